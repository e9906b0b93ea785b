/// The tensors input gradients are written into, lent out for one use and given back by the
/// layer that consumes them: a backward pass has only a few gradients alive at once, so a handful
/// of tensors serves every layer instead of one per layer held for the whole run.
public final class GradientPool {
  private var free: [Tensor] = []
  private var lent: [ObjectIdentifier: Tensor] = [:]

  public init() {}

  /// A tensor shaped like `other`, its contents undefined, until it is given back.
  public func take(like other: Tensor) -> Tensor {
    take(batch: other.batch, height: other.height, width: other.width, channels: other.channels)
  }

  /// A tensor of this shape, its contents undefined, until it is given back. The smallest free
  /// tensor that holds it, or else the largest, grown.
  public func take(batch: Int, height: Int = 1, width: Int = 1, channels: Int) -> Tensor {
    let needed = batch * height * width * channels
    // One pass, no allocation: a backward pass takes a tensor per layer.
    var (smallestFitting, largest): (Int?, Int?) = (nil, nil)
    for index in free.indices {
      let capacity = free[index].capacity
      if capacity >= needed && capacity < smallestFitting.map({ free[$0].capacity }) ?? .max {
        smallestFitting = index
      }
      if capacity > largest.map({ free[$0].capacity }) ?? -1 { largest = index }
    }
    let tensor = (smallestFitting ?? largest).map { free.remove(at: $0) } ?? Tensor()
    tensor.resize(batch: batch, height: height, width: width, channels: channels)
    lent[ObjectIdentifier(tensor)] = tensor
    return tensor
  }

  /// Takes back `tensor` once its consumer has read it; a tensor this pool did not lend (a
  /// layer's own, the loss's) is left alone.
  public func giveBack(_ tensor: Tensor) {
    guard lent.removeValue(forKey: ObjectIdentifier(tensor)) != nil else { return }
    free.append(tensor)
  }

  /// Takes back every lent tensor: at the start of a backward pass none from an earlier one is
  /// still read.
  public func reclaimAll() {
    free.append(contentsOf: lent.values)
    lent.removeAll()
  }
}
