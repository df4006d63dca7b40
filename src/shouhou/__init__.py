"""shouhou (售后): an after-sales service platform."""

__version__ = "0.1.0"
