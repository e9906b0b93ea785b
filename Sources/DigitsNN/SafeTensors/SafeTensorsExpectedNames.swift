extension SafeTensorsFile {
  /// Throws unless the file holds exactly `expected`: loading a model must not silently ignore
  /// tensors, since extra ones mean the checkpoint was saved from a different architecture.
  /// Only names starting with `prefix` count (a fixture keeps a model's state under "param.").
  public func requireExactly<S: Sequence>(_ expected: S, prefix: String = "") throws
  where S.Element == String {
    let wanted = Set(expected)
    if let missing = wanted.subtracting(entries.keys).min() {
      _ = try entry(missing, shape: nil)
    }
    let extra = Set(entries.keys.filter { $0.hasPrefix(prefix) }).subtracting(wanted).sorted()
    guard extra.isEmpty else {
      let shown = extra.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
      let more = extra.count > 5 ? " and \(extra.count - 5) more" : ""
      throw SafeTensorsError(
        path: path, kind: .unexpectedTensors,
        problem: "unexpected tensor\(extra.count == 1 ? "" : "s") \(shown)\(more); "
          + "was the checkpoint saved from a different model?")
    }
  }
}
