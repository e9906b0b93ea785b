import DigitsNN
import Testing

/// Input gradients come from one pool per context: a tensor given back is lent again, the
/// smallest that fits first, and a tensor the pool did not lend is never taken in.
@Suite struct GradientPoolTests {
  @Test func aTensorGivenBackIsLentAgain() {
    let pool = GradientPool()
    let first = pool.take(batch: 2, height: 3, width: 3, channels: 4)
    pool.giveBack(first)
    let second = pool.take(batch: 1, height: 2, width: 2, channels: 4)
    #expect(second === first)
    #expect(second.shape == [1, 2, 2, 4])
  }

  @Test func aLentTensorIsNotLentTwice() {
    let pool = GradientPool()
    let first = pool.take(batch: 1, channels: 8)
    let second = pool.take(batch: 1, channels: 8)
    #expect(first !== second)
  }

  @Test func theSmallestFreeTensorThatFitsIsChosen() {
    let pool = GradientPool()
    let (large, small) = (pool.take(batch: 1, channels: 100), pool.take(batch: 1, channels: 10))
    pool.giveBack(large)
    pool.giveBack(small)
    #expect(pool.take(batch: 1, channels: 8) === small)
    #expect(pool.take(batch: 1, channels: 8) === large)
    // Nothing free fits 200: a new tensor.
    let grown = pool.take(batch: 1, channels: 200)
    #expect(grown !== small && grown !== large && grown.capacity >= 200)
  }

  @Test func onlyLentTensorsAreTakenBack() {
    let pool = GradientPool()
    let foreign = Tensor(batch: 1, channels: 50)
    pool.giveBack(foreign)
    #expect(pool.take(batch: 1, channels: 50) !== foreign)
  }

  @Test func reclaimingFreesEveryLentTensor() {
    let pool = GradientPool()
    let lent = [pool.take(batch: 1, channels: 4), pool.take(batch: 1, channels: 4)]
    pool.reclaimAll()
    let again = [pool.take(batch: 1, channels: 4), pool.take(batch: 1, channels: 4)]
    #expect(Set(again.map(ObjectIdentifier.init)) == Set(lent.map(ObjectIdentifier.init)))
  }
}
