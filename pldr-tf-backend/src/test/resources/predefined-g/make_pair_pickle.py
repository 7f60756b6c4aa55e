"""Writes tiny_pairs_2layer_2head_2x2.pkl: a list of 2 layers' [A_LM, G_LM] float32 tensors
[1, 2, 2, 2], byte for byte in the layout of the reference's pickled torch tensors (outer pickle
protocol 5 with torch._utils._rebuild_tensor_v2 and torch.storage._load_from_bytes, each storage in
torch's legacy serialization), with the standard library alone: stub modules named torch take
torch's place. Layer 1's G_LM is a transposed view (strides 8, 4, 1, 2). Values: A_LM of layer i
is i + 0.5·k, G_LM's storage is 10·(i + 1) + k, k the storage index."""
import collections
import io
import pickle
import struct
import sys
import types

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
storage = types.ModuleType("torch.storage")
sys.modules.update({"torch": torch, "torch._utils": utils, "torch.storage": storage})


class FloatStorage:
    pass


FloatStorage.__module__ = "torch"
torch.FloatStorage = FloatStorage


def _rebuild_tensor_v2(*args):
    raise NotImplementedError


def _load_from_bytes(b):
    raise NotImplementedError


_rebuild_tensor_v2.__module__ = "torch._utils"
_load_from_bytes.__module__ = "torch.storage"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
storage._load_from_bytes = _load_from_bytes


class Storage:
    def __init__(self, values, key):
        self.values, self.key = values, key


def legacy_bytes(s):
    f = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                return ("storage", FloatStorage, obj.key, "cpu", len(obj.values), None)
            return None

    P(f, protocol=2).dump(s)
    pickle.dump([s.key], f, protocol=2)
    f.write(struct.pack("<q", len(s.values)))
    f.write(struct.pack("<%df" % len(s.values), *s.values))
    return f.getvalue()


class Tensor:
    def __init__(self, values, key, stride=(8, 4, 2, 1)):
        self.values, self.key, self.stride = values, key, stride

    def __reduce__(self):
        inner = (_load_from_bytes, (legacy_bytes(Storage(self.values, self.key)),))
        return (_rebuild_tensor_v2, (Reconstruct(inner), 0, (1, 2, 2, 2), self.stride, False,
                                    collections.OrderedDict()))


class Reconstruct:
    def __init__(self, reduce_value):
        self.reduce_value = reduce_value

    def __reduce__(self):
        return self.reduce_value


layers = []
for i in range(2):
    a = Tensor([i + 0.5 * k for k in range(8)], str(100 + i))
    g = Tensor([10.0 * (i + 1) + k for k in range(8)], str(200 + i),
               (8, 4, 1, 2) if i == 1 else (8, 4, 2, 1))
    layers.append([a, g])
with open("tiny_pairs_2layer_2head_2x2.pkl", "wb") as handle:
    pickle.dump(layers, handle, protocol=pickle.HIGHEST_PROTOCOL)
