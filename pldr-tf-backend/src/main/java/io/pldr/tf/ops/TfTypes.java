package io.pldr.tf.ops;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/** Conversions between pldr's and TensorFlow's descriptions of types and shapes. */
public final class TfTypes {
  private TfTypes() {}

  /** The pldr type of a TensorFlow type class. */
  public static DType dtype(Class<? extends TType> type) {
    if (type == TFloat32.class) {
      return DType.FLOAT32;
    } else if (type == TFloat64.class) {
      return DType.FLOAT64;
    } else if (type == TInt32.class) {
      return DType.INT32;
    } else if (type == TInt64.class) {
      return DType.INT64;
    }
    throw new IllegalArgumentException("no pldr type for TensorFlow type " + type.getSimpleName());
  }

  /** The TensorFlow class of a floating-point pldr type. */
  public static Class<? extends TFloating> floating(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> TFloat32.class;
      case FLOAT64 -> TFloat64.class;
      default -> throw new IllegalArgumentException(dtype + " is not a floating-point type");
    };
  }

  /** A pldr shape from a TensorFlow shape (unknown dimensions stay unknown). */
  public static Shape shape(org.tensorflow.ndarray.Shape s) {
    if (s.isUnknown()) {
      throw new IllegalStateException("tensor of unknown rank");
    }
    long[] dims = s.asArray();
    return Shape.of(dims == null ? new long[0] : dims);
  }

  /** A TensorFlow shape from a pldr shape. */
  public static org.tensorflow.ndarray.Shape shape(Shape s) {
    return org.tensorflow.ndarray.Shape.of(s.dims());
  }
}
