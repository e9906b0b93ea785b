/// The processes that train one model together (data-parallel): each holds the whole model,
/// takes a share of every batch, and they sum their gradients, batch statistics and evaluation
/// results through these collectives. Every process must make the same calls in the same order.
/// Failures are the transport's to handle (MPI ends the whole job), so the calls do not throw.
public protocol Communicator: AnyObject {
  /// This process's index, 0 ..< size; rank 0 writes files and prints.
  var rank: Int { get }
  var size: Int { get }
  /// Wall time spent inside the collectives so far (a step's communication share).
  var secondsCommunicating: Double { get }
  /// buffer[i] ← the sum of buffer[i] over every process.
  func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int)
  func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int)
  /// Starts summing `buffer` over every process; it holds the sums once `finishReductions`
  /// returns, and must not be touched before.
  func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int)
  /// Lets started reductions advance (MPI progresses them only inside its calls).
  func progressReductions()
  /// Waits for every started reduction.
  func finishReductions()
  /// buffer ← rank `root`'s buffer, on every process.
  func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int)
  /// Every process's `values` (their lengths may differ), in rank order, on every process.
  func allGather(_ values: [Float]) -> [[Float]]
}

extension Communicator {
  public var isLeader: Bool { rank == 0 }

  public func broadcast(_ buffer: UnsafeMutablePointer<Float>, count: Int, root: Int = 0) {
    broadcast(UnsafeMutableRawPointer(buffer), bytes: count * MemoryLayout<Float>.stride, root: root)
  }
}

/// One process alone: every collective is the identity.
public final class SingleProcess: Communicator {
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public var secondsCommunicating: Double { 0 }
  public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
  public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {}
  public func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
  public func progressReductions() {}
  public func finishReductions() {}
  public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {}
  public func allGather(_ values: [Float]) -> [[Float]] { [values] }
}
