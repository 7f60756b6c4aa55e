package io.pldr.tf.io;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads torch tensors that the reference implementation saved with Python's {@code pickle} ({@code
 * common.pklsave}, protocol 5): lists and tuples of tensors, each pickled by torch as {@code
 * torch._utils._rebuild_tensor_v2(torch.storage._load_from_bytes(bytes), offset, size, stride,
 * requires_grad, OrderedDict())}, where {@code bytes} is one storage in torch's legacy
 * serialization (magic number, protocol 1001, system information, the storage as a persistent id,
 * its key, then per key an int64 element count and the raw little-endian values).
 *
 * <p>The pickle protocol itself is Pyrolite's ({@code net.razorvine:pickle}). Only the globals
 * above (and {@code torch.FloatStorage}, {@code torch.DoubleStorage}) are accepted: any other one
 * fails naming it, so that no pickle names code of its own. Lists and tuples come back as {@link
 * List}s, tensors as {@link HostTensor}s (float32 or float64), row-major whatever their strides.
 */
public final class TorchPickle {
  /** The magic number that starts torch's legacy serialization. */
  static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  /** The legacy serialization's protocol version. */
  static final int LEGACY_PROTOCOL = 1001;

  /** The pickle opcode PROTO, every pickle of protocol 2 or later starts with it. */
  static final int PROTO = 0x80;

  private TorchPickle() {}

  /**
   * Reads {@code file}: a nest of lists and tuples ({@link List}) of tensors ({@link HostTensor}).
   * Fails naming the file when it is no pickle, or a pickle of anything else.
   */
  public static Object read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < 2 || (bytes[0] & 0xff) != PROTO) {
      throw new IOException(
          file
              + ": not a Python pickle (it starts with "
              + (bytes.length == 0 ? "nothing" : String.format("byte 0x%02x", bytes[0] & 0xff))
              + ", a pickle of protocol 2 or later with 0x80); expected the reference's pickled"
              + " list of torch tensors");
    }
    try {
      return lists(new Restricted().load(new ByteArrayInputStream(bytes)));
    } catch (PickleException | IOException | ClassCastException | IllegalArgumentException e) {
      throw new IOException(
          file + ": not a pickled list of torch tensors as the reference writes: " + e.getMessage(),
          e);
    }
  }

  /** Tuples (Pyrolite's {@code Object[]}) as lists, recursively. */
  private static Object lists(Object o) {
    if (o instanceof Object[] tuple) {
      return lists(Arrays.asList(tuple));
    }
    if (o instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object e : list) {
        out.add(lists(e));
      }
      return out;
    }
    return o;
  }

  /** A storage's values and type. */
  private record Storage(DType dtype, double[] values) {}

  /** A storage named by a persistent id, before its values are read. */
  private record StorageRef(DType dtype, String key, long size) {}

  /** The class of a storage ({@code torch.FloatStorage}): never called, only named. */
  private record StorageType(DType dtype, String name) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("torch." + name + " is not called in a pickled tensor");
    }
  }

  /** An unpickler that knows the few globals of pickled torch tensors and refuses all others. */
  private static class Restricted extends Unpickler {
    @Override
    protected Object dispatch(short key) throws IOException {
      if (key == Opcodes.STACK_GLOBAL) {
        String name = (String) stack.pop();
        String module = (String) stack.pop();
        stack.add(global(module, name));
        return NO_RETURN_VALUE;
      }
      if (key == Opcodes.GLOBAL) {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(global(module, name));
        return NO_RETURN_VALUE;
      }
      return super.dispatch(key);
    }

    IObjectConstructor global(String module, String name) {
      return switch (module + "." + name) {
        case "torch._utils._rebuild_tensor_v2" -> TorchPickle::rebuildTensor;
        case "torch.storage._load_from_bytes" -> args -> legacyStorage((byte[]) args[0]);
        case "collections.OrderedDict" ->
            args -> {
              if (args.length != 0) {
                throw new PickleException("an OrderedDict with arguments");
              }
              return new LinkedHashMap<>();
            };
        default ->
            throw new PickleException(
                "unexpected global "
                    + module
                    + "."
                    + name
                    + " (only torch tensors, lists and tuples are read)");
      };
    }
  }

  /** The unpickler of a storage's persistent id in the legacy serialization. */
  private static final class StorageUnpickler extends Restricted {
    @Override
    IObjectConstructor global(String module, String name) {
      if (module.equals("torch") && name.equals("FloatStorage")) {
        return new StorageType(DType.FLOAT32, name);
      }
      if (module.equals("torch") && name.equals("DoubleStorage")) {
        return new StorageType(DType.FLOAT64, name);
      }
      throw new PickleException(
          "unexpected storage type " + module + "." + name + " (float32 or float64 expected)");
    }

    @Override
    protected Object persistentLoad(Object pid) {
      Object[] id = (Object[]) pid;
      if (id.length != 6 || !"storage".equals(id[0]) || id[5] != null) {
        throw new PickleException("unexpected persistent id " + Arrays.deepToString(id));
      }
      return new StorageRef(
          ((StorageType) id[1]).dtype(), (String) id[2], ((Number) id[4]).longValue());
    }
  }

  /** One storage in torch's legacy serialization ({@code torch.save(storage, f, legacy)}). */
  private static Storage legacyStorage(byte[] bytes) {
    try {
      InputStream in = new ByteArrayInputStream(bytes);
      Object magic = new Restricted().load(in);
      if (!(magic instanceof Number) || !new BigInteger(magic.toString()).equals(LEGACY_MAGIC)) {
        throw new PickleException("a storage without torch's legacy magic number");
      }
      Object protocol = new Restricted().load(in);
      if (!(protocol instanceof Number n) || n.intValue() != LEGACY_PROTOCOL) {
        throw new PickleException("a storage of legacy protocol " + protocol + ", expected 1001");
      }
      Map<?, ?> sysInfo = (Map<?, ?>) new Restricted().load(in);
      if (!Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
        throw new PickleException("a big-endian storage");
      }
      StorageRef root = (StorageRef) new StorageUnpickler().load(in);
      List<?> keys = (List<?>) new Restricted().load(in);
      Map<String, Storage> read = new HashMap<>();
      for (Object key : keys) {
        long count = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (!root.key().equals(key) || count != root.size()) {
          throw new PickleException(
              "storage '" + key + "' of " + count + " elements, expected '" + root.key() + "'");
        }
        int width = root.dtype().byteSize();
        byte[] raw = in.readNBytes(Math.multiplyExact(Math.toIntExact(count), width));
        if (raw.length != count * width) {
          throw new PickleException("a storage cut short");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[(int) count];
        for (int i = 0; i < v.length; i++) {
          v[i] = root.dtype() == DType.FLOAT32 ? b.getFloat() : b.getDouble();
        }
        read.put((String) key, new Storage(root.dtype(), v));
      }
      if (in.available() != 0 || !read.containsKey(root.key())) {
        throw new PickleException("a storage with trailing or missing data");
      }
      return read.get(root.key());
    } catch (IOException e) {
      throw new PickleException("a storage that cannot be read: " + e.getMessage());
    }
  }

  /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta])}. */
  private static HostTensor rebuildTensor(Object[] args) {
    if (args.length < 6 || !(args[0] instanceof Storage storage)) {
      throw new PickleException("a tensor without its storage");
    }
    long offset = ((Number) args[1]).longValue();
    long[] size = longs((Object[]) args[2]);
    long[] stride = longs((Object[]) args[3]);
    if (size.length != stride.length) {
      throw new PickleException(
          "a tensor of size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride));
    }
    Shape shape = Shape.of(size);
    int n = Math.toIntExact(shape.size());
    long last = offset;
    for (int a = 0; a < size.length; a++) {
      last += (size[a] - 1) * stride[a];
    }
    if (n > 0 && (offset < 0 || last >= storage.values().length)) {
      throw new PickleException(
          "a tensor of size "
              + Arrays.toString(size)
              + " beyond its storage of "
              + storage.values().length
              + " elements");
    }
    double[] out = new double[n];
    long[] index = new long[size.length];
    for (int i = 0; i < n; i++) {
      long at = offset;
      for (int a = 0; a < size.length; a++) {
        at += index[a] * stride[a];
      }
      out[i] = storage.values()[(int) at];
      for (int a = size.length - 1; a >= 0; a--) {
        if (++index[a] < size[a]) {
          break;
        }
        index[a] = 0;
      }
    }
    return HostTensor.wrap(storage.dtype(), shape, out);
  }

  private static long[] longs(Object[] tuple) {
    long[] v = new long[tuple.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) tuple[i]).longValue();
    }
    return v;
  }
}
