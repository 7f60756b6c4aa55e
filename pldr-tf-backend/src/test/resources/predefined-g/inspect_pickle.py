"""Reads the reference's pickled torch tensors with the Python standard library alone (no torch):
stub functions stand in for torch's, and each storage's bytes (torch's legacy serialization) are
parsed by hand. Prints each tensor's shape, sum, sum of squares, first and last elements and a probe (element [0, 13, 5, 7] of a
[1, 14, 64, 64] tensor, else element 5): the numbers
PredefinedGFileTest checks. Usage: python3 inspect_pickle.py FILE.pkl"""
import io
import math
import pickle
import struct
import sys

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
TYPES = {"FloatStorage": ("f", 4), "DoubleStorage": ("d", 8)}


def load_from_bytes(data):
    f = io.BytesIO(data)
    assert pickle.load(f) == LEGACY_MAGIC
    assert pickle.load(f) == 1001
    assert pickle.load(f)["little_endian"]
    refs = {}

    class Storages(pickle.Unpickler):
        def find_class(self, module, name):
            assert module == "torch" and name in TYPES, (module, name)
            return name

        def persistent_load(self, pid):
            kind, storage_type, key, location, size, view = pid
            assert kind == "storage" and view is None
            refs[key] = (storage_type, size)
            return key

    root = Storages(f).load()
    keys = pickle.load(f)
    values = {}
    for key in keys:
        (n,) = struct.unpack("<q", f.read(8))
        code, width = TYPES[refs[key][0]]
        values[key] = struct.unpack("<%d%s" % (n, code), f.read(n * width))
    assert f.read() == b""
    return values[root]


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, *metadata):
    flat = []

    def walk(axis, base):
        if axis == len(size):
            flat.append(storage[base])
            return
        for i in range(size[axis]):
            walk(axis + 1, base + i * stride[axis])

    walk(0, offset)
    return {"shape": tuple(size), "values": flat}


class Tensors(pickle.Unpickler):
    def find_class(self, module, name):
        allowed = {
            ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
            ("torch.storage", "_load_from_bytes"): load_from_bytes,
            ("collections", "OrderedDict"): dict,
        }
        return allowed[(module, name)]


def describe(t, label):
    v = t["values"]
    print(
        "%s shape=%s sum=%.9g sumsq=%.9g first=%.9g last=%.9g probe=%.9g"
        % (label, list(t["shape"]), math.fsum(v), math.fsum(x * x for x in v), v[0], v[-1],
           v[13 * 64 * 64 + 5 * 64 + 7] if len(v) > 13 * 4096 else v[5])
    )


with open(sys.argv[1], "rb") as handle:
    entries = Tensors(handle).load()
print("entries:", len(entries))
for i, e in enumerate(entries):
    if isinstance(e, dict):
        describe(e, "layer %d G_LM" % i)
    else:
        describe(e[0], "layer %d A_LM" % i)
        describe(e[1], "layer %d G_LM" % i)
