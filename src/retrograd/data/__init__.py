"""Data: datasets, mini-batch loading, splits, and built-in data sets.

>>> from retrograd import data
>>> X, y = data.load_digits()                      # shipped with retrograd, no download
>>> X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, seed=0)
>>> loader = data.DataLoader((X_train, y_train), batch_size=32, shuffle=True, seed=0)
>>> xb, yb = next(iter(loader))
>>> xb.shape, yb.dtype
((32, 64), dtype('int64'))
"""

from retrograd.data.catalog import DATASETS, load_dataset
from retrograd.data.dataset import Dataset, Subset, TensorDataset, random_split
from retrograd.data.digits import load_digits
from retrograd.data.labels import one_hot
from retrograd.data.loader import DataLoader
from retrograd.data.mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist
from retrograd.data.split import train_test_split
from retrograd.data.synthetic import make_blobs, make_circles, make_moons, make_spirals
from retrograd.data.toy import load_textbook, load_xor
from retrograd.io.csv import load_csv

__all__ = [
    "DATASETS", "load_dataset", "Dataset", "Subset", "TensorDataset", "random_split",
    "load_digits", "one_hot", "DataLoader", "FASHION_MNIST_CLASSES", "load_fashion_mnist",
    "load_mnist", "train_test_split", "make_blobs", "make_circles", "make_moons",
    "make_spirals", "load_textbook", "load_xor", "load_csv",
]  # fmt: skip
