/// Writes `parts` one after the other to `path` the way checkpoints are written: a temporary file
/// beside it, fsync, then a rename, so readers and a kill only ever see the old file or the whole
/// new one. For binary files other modules write (ONNX models); failures are `SafeTensorsError`s
/// of kind `.unwritable` that name `path`.
public func writeFileAtomically(_ parts: [[UInt8]], to path: String) throws {
  try SafeTensorsPOSIX.writeAtomically(path: path, parts: parts)
}
