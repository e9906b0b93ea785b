import Foundation

/// Open MPI's C entry points, looked up in libmpi at run time: `digits` builds and runs
/// without MPI installed, and only a process that an MPI launcher started loads it. Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses of its `ompi_mpi_*`
/// globals, which is what `mpi.h`'s macros expand to.
final class OpenMPILibrary {
  typealias Handle = OpaquePointer
  typealias Init =
    @convention(c) (
      UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
    ) -> Int32
  typealias Flag = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
  typealias Plain = @convention(c) () -> Int32
  typealias CommQuery = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  typealias AllReduce =
    @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer, Int32, Handle, Handle, Handle) -> Int32
  typealias Broadcast = @convention(c) (UnsafeMutableRawPointer, Int32, Handle, Int32, Handle) -> Int32
  typealias AllGather =
    @convention(c) (UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, Int32, Handle, Handle) -> Int32
  typealias AllGatherV =
    @convention(c) (
      UnsafeRawPointer, Int32, Handle, UnsafeMutableRawPointer, UnsafePointer<Int32>, UnsafePointer<Int32>,
      Handle,
      Handle
    ) -> Int32
  typealias StartAllReduce =
    @convention(c) (
      UnsafeRawPointer?, UnsafeMutableRawPointer, Int32, Handle, Handle, Handle, UnsafeMutablePointer<Handle?>
    ) -> Int32
  typealias TestAll =
    @convention(c) (Int32, UnsafeMutablePointer<Handle?>, UnsafeMutablePointer<Int32>, OpaquePointer?) ->
    Int32
  typealias WaitAll = @convention(c) (Int32, UnsafeMutablePointer<Handle?>, OpaquePointer?) -> Int32
  typealias Abort = @convention(c) (Handle, Int32) -> Int32
  typealias Barrier = @convention(c) (Handle) -> Int32

  /// Where Debian's Open MPI 4 puts it; DIGITS_MPI_LIBRARY overrides.
  static let defaultPaths = ["libmpi.so.40", "libmpi.so"]

  let path: String
  let initialize: Init
  let initialized: Flag
  let finalized: Flag
  let finalize: Plain
  let commRank: CommQuery
  let commSize: CommQuery
  let allReduce: AllReduce
  let broadcast: Broadcast
  let allGather: AllGather
  let allGatherV: AllGatherV
  let startAllReduce: StartAllReduce
  let testAll: TestAll
  let waitAll: WaitAll
  let abort: Abort
  let barrier: Barrier
  let world: Handle
  let float: Handle
  let double: Handle
  let int: Handle
  let byte: Handle
  let sum: Handle
  /// MPI_IN_PLACE in Open MPI.
  let inPlace = UnsafeRawPointer(bitPattern: 1)

  init(paths: [String]) throws {
    var reasons: [String] = []
    var opened: (UnsafeMutableRawPointer, String)?
    for path in paths {
      // RTLD_GLOBAL: Open MPI's plugins, loaded later, resolve their symbols against libmpi.
      if let handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL) {
        opened = (handle, path)
        break
      }
      reasons.append(dlerror().map { String(cString: $0) } ?? path)
    }
    guard let (handle, path) = opened else {
      throw DistributedError.libraryMissing(reasons.joined(separator: "; "))
    }
    self.path = path
    func symbol<T>(_ name: String, as: T.Type = T.self) throws -> T {
      guard let address = dlsym(handle, name) else {
        throw DistributedError.libraryMissing("\(path) has no \(name): it is not Open MPI")
      }
      return unsafeBitCast(address, to: T.self)
    }
    func global(_ name: String) throws -> Handle {
      guard let address = dlsym(handle, name) else {
        throw DistributedError.libraryMissing("\(path) has no \(name): it is not Open MPI")
      }
      return Handle(address)
    }
    initialize = try symbol("MPI_Init")
    initialized = try symbol("MPI_Initialized")
    finalized = try symbol("MPI_Finalized")
    finalize = try symbol("MPI_Finalize")
    commRank = try symbol("MPI_Comm_rank")
    commSize = try symbol("MPI_Comm_size")
    allReduce = try symbol("MPI_Allreduce")
    broadcast = try symbol("MPI_Bcast")
    allGather = try symbol("MPI_Allgather")
    allGatherV = try symbol("MPI_Allgatherv")
    startAllReduce = try symbol("MPI_Iallreduce")
    testAll = try symbol("MPI_Testall")
    waitAll = try symbol("MPI_Waitall")
    abort = try symbol("MPI_Abort")
    barrier = try symbol("MPI_Barrier")
    world = try global("ompi_mpi_comm_world")
    float = try global("ompi_mpi_float")
    double = try global("ompi_mpi_double")
    int = try global("ompi_mpi_int")
    byte = try global("ompi_mpi_byte")
    sum = try global("ompi_mpi_op_sum")
  }
}
