package io.pldr.api.model;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Shape;

/** A model parameter as a checkpoint must hold it: name, shape and element type. */
public record ParameterSpec(String name, Shape shape, DType dtype) {}
