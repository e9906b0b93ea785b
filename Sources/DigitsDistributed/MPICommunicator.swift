import DigitsNN
import Foundation

/// MPI_COMM_WORLD of Open MPI, loaded at run time (see `OpenMPILibrary`). Create it once per
/// process (MPI_Init), call `finish()` before the process exits (MPI_Finalize). MPI's default
/// error handler stays in place: a failed collective, such as one whose peer died, ends the job.
public final class MPICommunicator: Communicator {
  public let rank: Int
  public let size: Int
  /// Wall time spent inside collectives since creation (the communication share of a step).
  public private(set) var secondsCommunicating = 0.0
  /// The library this process loaded.
  public var libraryPath: String { library.path }
  private let library: OpenMPILibrary
  /// Reductions started and not yet finished.
  private var requests: [OpaquePointer?] = []

  /// Loads libmpi from `paths` (first found) and joins MPI_COMM_WORLD.
  public init(
    libraryPaths: [String] = MPICommunicator.libraryPaths(environment: ProcessInfo.processInfo.environment)
  )
    throws
  {
    library = try OpenMPILibrary(paths: libraryPaths)
    var flag: Int32 = 0
    _ = library.initialized(&flag)
    if flag == 0 {
      let code = library.initialize(nil, nil)
      guard code == 0 else { throw DistributedError.call("MPI_Init", code: code) }
    }
    var value: Int32 = 0
    _ = library.commRank(library.world, &value)
    rank = Int(value)
    _ = library.commSize(library.world, &value)
    size = Int(value)
  }

  /// DIGITS_MPI_LIBRARY if set, else Debian's Open MPI.
  public static func libraryPaths(environment: [String: String]) -> [String] {
    environment["DIGITS_MPI_LIBRARY"].map { [$0] } ?? OpenMPILibrary.defaultPaths
  }

  /// Whether an MPI launcher started this process as one of several, judged before MPI_Init
  /// from the launcher's variables: Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; Slurm's srun
  /// sets PMIX_RANK (or PMI_RANK) and SLURM_NTASKS.
  public static func launchedAsOneOfSeveral(environment: [String: String]) -> Bool {
    if let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) { return size > 1 }
    guard environment["PMIX_RANK"] != nil || environment["PMI_RANK"] != nil else { return false }
    let size = environment["SLURM_NTASKS"].flatMap(Int.init) ?? environment["PMI_SIZE"].flatMap(Int.init)
    return (size ?? 1) > 1
  }

  /// MPI_Finalize, once every rank is done.
  public func finish() {
    var done: Int32 = 0
    _ = library.finalized(&done)
    if done == 0 { _ = library.finalize() }
  }

  /// Asks MPI to end every rank of the job with `code` (MPI_Abort); the caller exits if it returns.
  public func abortJob(code: Int32) {
    _ = library.abort(library.world, code)
  }

  public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
    timed {
      _ = library.allReduce(library.inPlace, buffer, Int32(count), library.float, library.sum, library.world)
    }
  }

  public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {
    timed {
      _ = library.allReduce(library.inPlace, buffer, Int32(count), library.double, library.sum, library.world)
    }
  }

  public func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
    timed {
      var request: OpaquePointer?
      _ = library.startAllReduce(
        library.inPlace, buffer, Int32(count), library.float, library.sum, library.world, &request)
      requests.append(request)
    }
  }

  public func progressReductions() {
    guard !requests.isEmpty else { return }
    timed {
      var done: Int32 = 0
      // MPI_STATUSES_IGNORE is a null pointer in Open MPI.
      _ = library.testAll(Int32(requests.count), &requests, &done, nil)
      if done != 0 { requests.removeAll(keepingCapacity: true) }
    }
  }

  public func finishReductions() {
    guard !requests.isEmpty else { return }
    timed {
      _ = library.waitAll(Int32(requests.count), &requests, nil)
      requests.removeAll(keepingCapacity: true)
    }
  }

  public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {
    timed { _ = library.broadcast(buffer, Int32(bytes), library.byte, Int32(root), library.world) }
  }

  public func allGather(_ values: [Float]) -> [[Float]] {
    timed {
      var counts = [Int32](repeating: 0, count: size)
      var mine = Int32(values.count)
      _ = library.allGather(&mine, 1, library.int, &counts, 1, library.int, library.world)
      var offsets = [Int32](repeating: 0, count: size)
      for r in 1..<max(size, 1) { offsets[r] = offsets[r - 1] + counts[r - 1] }
      var all = [Float](repeating: 0, count: Int(counts.reduce(0, +)))
      values.withUnsafeBufferPointer { send in
        all.withUnsafeMutableBufferPointer { receive in
          _ = library.allGatherV(
            UnsafeRawPointer(send.baseAddress ?? UnsafePointer(bitPattern: 8)!), mine, library.float,
            UnsafeMutableRawPointer(receive.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!), counts,
            offsets,
            library.float, library.world)
        }
      }
      return (0..<size).map { Array(all[Int(offsets[$0])..<Int(offsets[$0] + counts[$0])]) }
    }
  }

  /// Waits until every rank has called it.
  public func barrier() { timed { _ = library.barrier(library.world) } }

  private func timed<T>(_ body: () -> T) -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer { secondsCommunicating += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    return body()
  }
}
