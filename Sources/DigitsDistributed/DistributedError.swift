/// Why data-parallel training could not start.
public enum DistributedError: Error, CustomStringConvertible {
  /// libmpi could not be opened or is not Open MPI; the text says why.
  case libraryMissing(String)
  /// An MPI call returned an error code.
  case call(String, code: Int32)

  public var description: String {
    switch self {
    case .libraryMissing(let reason):
      return
        "this process was started by an MPI launcher, but Open MPI's library could not be loaded (\(reason)); "
        + "install Debian's openmpi-bin (or set DIGITS_MPI_LIBRARY to libmpi.so's path)"
    case .call(let name, let code):
      return "\(name) failed with MPI error \(code)"
    }
  }
}
