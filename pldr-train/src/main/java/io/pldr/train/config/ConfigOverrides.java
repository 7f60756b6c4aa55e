package io.pldr.train.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.pldr.api.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Changes one field of a configuration message from a {@code field.path=value} string: {@code
 * optimizer.learning_rate=2e-3}, {@code model.tensor_operator.name=identity}, {@code
 * model.tensor_operator.options.rank=8} (a map key after a map field), {@code
 * model.plugin_modules=a.B,c.D} (a repeated field: the comma-separated list replaces it). Numbers,
 * booleans, strings and enum names are parsed for the field's type; an unknown field, a value of
 * the wrong type or a negative value for an unsigned field fails with a {@link ConfigException}
 * naming the source, the field holding the override and the path. Range checks beyond the type (a
 * positive learning rate, ...) are left to the validator.
 */
public final class ConfigOverrides {
  private ConfigOverrides() {}

  /**
   * Applies {@code override} to {@code root}; errors name {@code source} and {@code field} (where
   * the override was written, e.g. {@code variants[1].overrides}).
   */
  public static void apply(Message.Builder root, String override, String source, String field) {
    Site site = new Site(source, field, override);
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(source, field, "'" + override + "' is not field.path=value");
    }
    String path = override.substring(0, eq).strip();
    String value = override.substring(eq + 1).strip();
    String[] parts = path.split("\\.", -1);
    Message.Builder b = root;
    for (int i = 0; i < parts.length; i++) {
      Descriptor type = b.getDescriptorForType();
      FieldDescriptor f = type.findFieldByName(parts[i]);
      if (f == null) {
        throw site.error(
            "unknown field '"
                + parts[i]
                + "' of "
                + type.getName()
                + "; it has: "
                + fieldNames(type));
      }
      boolean last = i == parts.length - 1;
      if (f.isMapField()) {
        if (i != parts.length - 2) {
          throw site.error(
              "'"
                  + f.getName()
                  + "' is a map: name one key after it, as "
                  + f.getName()
                  + ".KEY=value");
        }
        putMapEntry(b, f, parts[i + 1], value, site);
        return;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
        if (last) {
          throw site.error(
              "'"
                  + path
                  + "' is a message: set one of its fields: "
                  + fieldNames(f.getMessageType()));
        }
        b = b.getFieldBuilder(f);
        continue;
      }
      if (!last) {
        throw site.error("'" + f.getName() + "' has no fields");
      }
      if (f.isRepeated()) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          throw site.error("'" + path + "' is a list of messages, which an override cannot set");
        }
        b.clearField(f);
        for (String item : value.isEmpty() ? List.<String>of() : List.of(value.split(","))) {
          b.addRepeatedField(f, parse(f, item.strip(), path, site));
        }
      } else {
        b.setField(f, parse(f, value, path, site));
      }
    }
  }

  /** Where an override was written, for its errors. */
  private record Site(String source, String field, String override) {
    ConfigException error(String message) {
      return new ConfigException(source, field, "'" + override + "': " + message);
    }
  }

  private static void putMapEntry(
      Message.Builder b, FieldDescriptor map, String key, String value, Site site) {
    Descriptor entry = map.getMessageType();
    FieldDescriptor keyField = entry.findFieldByName("key");
    FieldDescriptor valueField = entry.findFieldByName("value");
    String path = map.getName() + "." + key;
    Object k = parse(keyField, key, path, site);
    List<Message> kept = new ArrayList<>();
    for (int i = 0; i < b.getRepeatedFieldCount(map); i++) {
      Message e = (Message) b.getRepeatedField(map, i);
      if (!e.getField(keyField).equals(k)) {
        kept.add(e);
      }
    }
    b.clearField(map);
    kept.forEach(e -> b.addRepeatedField(map, e));
    b.addRepeatedField(
        map,
        b.newBuilderForField(map)
            .setField(keyField, k)
            .setField(valueField, parse(valueField, value, path, site))
            .build());
  }

  private static Object parse(FieldDescriptor f, String value, String path, Site site) {
    try {
      return switch (f.getType()) {
        case DOUBLE -> Double.parseDouble(value);
        case FLOAT -> Float.parseFloat(value);
        case INT32, SINT32, SFIXED32 -> Integer.parseInt(value);
        case INT64, SINT64, SFIXED64 -> Long.parseLong(value);
        case UINT32, FIXED32 -> (int) unsigned(value, 0xFFFF_FFFFL);
        case UINT64, FIXED64 -> unsigned(value, Long.MAX_VALUE);
        case BOOL -> bool(value);
        case STRING -> value;
        case ENUM -> enumValue(f, value);
        default ->
            throw site.error(path + ": fields of type " + f.getType() + " cannot be overridden");
      };
    } catch (IllegalArgumentException e) {
      String expected =
          switch (f.getJavaType()) {
            case INT, LONG -> isUnsigned(f) ? "a non-negative integer" : "an integer";
            case BOOLEAN -> "true or false";
            case ENUM ->
                "one of "
                    + f.getEnumType().getValues().stream()
                        .map(EnumValueDescriptor::getName)
                        .collect(Collectors.joining(", "));
            default -> "a number";
          };
      throw site.error(path + " must be " + expected + ", found '" + value + "'");
    }
  }

  private static long unsigned(String value, long max) {
    long v = Long.parseLong(value);
    if (v < 0 || v > max) {
      throw new NumberFormatException(value);
    }
    return v;
  }

  private static boolean isUnsigned(FieldDescriptor f) {
    return switch (f.getType()) {
      case UINT32, FIXED32, UINT64, FIXED64 -> true;
      default -> false;
    };
  }

  private static boolean bool(String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(value);
    };
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor f, String value) {
    EnumValueDescriptor v = f.getEnumType().findValueByName(value);
    if (v == null) {
      throw new IllegalArgumentException(value);
    }
    return v;
  }

  private static String fieldNames(Descriptor d) {
    return d.getFields().stream().map(FieldDescriptor::getName).collect(Collectors.joining(", "));
  }
}
