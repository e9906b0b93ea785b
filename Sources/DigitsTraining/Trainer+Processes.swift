import DigitsData
import DigitsModels

/// The data-parallel side of training: what the processes that share each batch must agree on.
extension Trainer {
  /// Every rank takes rank 0's weights, buffers, optimiser state and weight average.
  func broadcastState(_ network: Network) {
    broadcast(network.model)
    if let average = network.average { broadcast(average.model) }
    for block in network.optimizer.stateBlocks {
      communicator.broadcast(block.values, count: network.optimizer.parameters.count, root: 0)
    }
  }

  func broadcast(_ model: ResNet) {
    for arena in [model.parameters, model.buffers] {
      communicator.broadcast(arena.values, count: arena.count, root: 0)
    }
  }

  /// Each process must hold at least one image of every batch (an empty share would have no
  /// BatchNorm statistics), the epoch's last, smaller batch included.
  func checkShares(of batches: BatchIterator) throws {
    let smallest =
      batches.count % batches.batchSize == 0 ? batches.batchSize : batches.count % batches.batchSize
    guard smallest >= communicator.size else {
      throw TrainingError.invalidConfiguration(
        "\(communicator.size) processes need at least \(communicator.size) images in every batch, but "
          + "\(smallest == batches.batchSize ? "--batch-size is" : "the epoch's last batch has") \(smallest); "
          + "choose another --batch-size or --train-limit")
    }
  }
}
