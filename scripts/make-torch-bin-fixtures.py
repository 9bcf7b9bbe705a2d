#!/usr/bin/python3
"""Write the torch.save test fixtures of org.neurosweep.tensor.TorchBinReader into core/src/test/resources/torchbin/.

Usage:
    /usr/bin/python3 scripts/make-torch-bin-fixtures.py [OUT_DIR]

Needs torch (Debian: apt-get install python3-torch) and numpy. Writes:
    state_dict.bin            torch.save of a state dict (zip format, pickle protocol 2): f32, f16, bf16, int64, int32,
                              int8, uint8 and bool tensors; a transposed view, a row view (storage offset), a strided
                              column slice, all sharing one storage; a Parameter; a 0-d and an empty tensor; the
                              `_metadata` attribute that Module.state_dict() sets (pickled through BUILD)
    expected.safetensors      every tensor of state_dict.bin made contiguous, floats widened to fp32 by torch's
                              .float(), integers and bools as stored; written by the small safetensors writer below
                              (the Hugging Face safetensors package is not needed)
    malicious_os_system.bin   a zip laid out like torch.save's whose data.pkl calls os.system('echo pwned') through
                              GLOBAL + REDUCE; its pickle bytes are written by hand and never unpickled here, so
                              generating it executes nothing
"""
import collections
import json
import os
import struct
import sys
import zipfile

import numpy as np
import torch


def state_dict():
    torch.manual_seed(1234)
    sd = torch.nn.Linear(3, 2).state_dict()  # an OrderedDict carrying _metadata
    base = torch.randn(5, 7)
    sd["base"] = base
    sd["base_t"] = base.t()                 # non-contiguous, shares base's storage
    sd["row2"] = base[2]                    # storage offset 14
    sd["cols"] = base[:, 1:6:2]             # storage offset 1, stride (7, 2)
    half = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 2.0 ** -14, 2.0 ** -24, 3 * 2.0 ** -24,
                         1023 * 2.0 ** -24, float("inf"), float("-inf"), float("nan"), 0.1, 1.0 / 3],
                        dtype=torch.float16)
    sd["half"] = half
    sd["half_t"] = half.reshape(2, 7).t()
    sd["bf16"] = torch.cat([torch.randn(8), torch.tensor([1e38, float("-inf"), float("nan"), 2.0 ** -133])]) \
        .to(torch.bfloat16).reshape(3, 4)
    sd["i64"] = torch.tensor([0, 1, -5, 2 ** 40, -(2 ** 62)], dtype=torch.int64)
    sd["i32"] = torch.arange(-3, 9, dtype=torch.int32).reshape(3, 4)
    sd["i8"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    sd["mask"] = torch.tensor([True, False, True])
    sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.zeros(0, 3)
    return sd


SAFETENSORS_DTYPES = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("int32"): "I32",
                      np.dtype("int8"): "I8", np.dtype("uint8"): "U8", np.dtype("bool"): "BOOL"}


def write_safetensors(path, arrays):
    """The safetensors layout: u64 LE header length, JSON header padded with spaces to 8 bytes, LE data."""
    header, data, offset = {}, [], 0
    for name in sorted(arrays):
        a = np.asarray(arrays[name], order="C")  # ascontiguousarray would make 0-d arrays 1-d
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        data.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(data))


def expected(sd):
    out = {}
    for name, t in sd.items():
        t = t.detach().contiguous()
        out[name] = (t.float() if t.is_floating_point() else t).numpy()
    return out


def malicious_pickle():
    """protocol 2: GLOBAL 'os system', BINUNICODE 'echo pwned', TUPLE1, REDUCE, STOP."""
    command = b"echo pwned"
    return (b"\x80\x02" + b"cos\nsystem\n" + b"q\x00" + b"X" + struct.pack("<I", len(command)) + command
            + b"q\x01" + b"\x85" + b"q\x02" + b"R" + b"q\x03" + b".")


def write_torch_like_zip(path, archive, pickle_bytes):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(archive + "/data.pkl", pickle_bytes)
        z.writestr(archive + "/version", b"3\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "core", "src", "test", "resources", "torchbin")
    os.makedirs(out, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(out, "state_dict.bin"))
    write_safetensors(os.path.join(out, "expected.safetensors"), expected(sd))
    write_torch_like_zip(os.path.join(out, "malicious_os_system.bin"), "malicious", malicious_pickle())
    print("wrote", sorted(os.listdir(out)), "with torch", torch.__version__)


if __name__ == "__main__":
    main()
