package io.pldr.train.distributed;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Optional;

/** The first field in which two messages of one type differ, as a dotted path. */
public final class ConfigDiff {
  private ConfigDiff() {}

  /** A differing field: its path and both values as text. */
  public record Difference(String path, String left, String right) {}

  /** The first field (in field-number order, depth first) where {@code a} and {@code b} differ. */
  public static Optional<Difference> first(Message a, Message b) {
    return first(a, b, "");
  }

  private static Optional<Difference> first(Message a, Message b, String prefix) {
    for (FieldDescriptor f : a.getDescriptorForType().getFields()) {
      String path = prefix + f.getName();
      Object x = a.getField(f);
      Object y = b.getField(f);
      boolean presence = f.hasPresence();
      if (presence && a.hasField(f) != b.hasField(f)) {
        return Optional.of(new Difference(path, text(a, f), text(b, f)));
      }
      if (x.equals(y)) {
        continue;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
        Optional<Difference> inner = first((Message) x, (Message) y, path + ".");
        if (inner.isPresent()) {
          return inner;
        }
      }
      return Optional.of(new Difference(path, text(a, f), text(b, f)));
    }
    return Optional.empty();
  }

  private static String text(Message m, FieldDescriptor f) {
    if (f.hasPresence() && !m.hasField(f)) {
      return "(not set)";
    }
    return String.valueOf(m.getField(f)).strip();
  }
}
