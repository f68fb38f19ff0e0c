"""`tinygrad_edu.nn`: modules (layers and whole models), their parameters, losses and initialisers.

    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    loss = nn.BCEWithLogitsLoss()(model(x), y)
"""
from . import functional, init
from .layers import (Dropout, Embedding, Flatten, Identity, Linear, LogSoftmax, ModuleList, ReLU, Sequential,
                     Sigmoid, Softmax, Softplus, Tanh)
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module, Parameter

__all__ = ["Module", "Parameter", "Linear", "Identity", "ReLU", "Sigmoid", "Tanh", "Flatten", "Sequential",
           "ModuleList", "Softmax", "LogSoftmax", "Softplus", "Embedding", "Dropout",
           "MSELoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "functional", "init"]
