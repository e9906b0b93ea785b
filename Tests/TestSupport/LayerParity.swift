import DigitsNN

/// Runs `layer` forward on the fixture's `x` and backward on its `grad_out`, and compares with
/// PyTorch: `out`, `grad_x`, every `grad.<param>` and every `state.<buffer>` (running stats
/// after the forward). Parameters and buffers are loaded from `param.*` first.
/// Returns one report per compared tensor.
public func layerParityReports(
  _ fixtureName: String, training: Bool = true, base: Float = 1e-4,
  build: (_ parameters: ParameterArena, _ buffers: ParameterArena) -> any Layer
) throws -> [ParityReport] {
  let fixture = try Fixture.load(fixtureName)
  let parameters = ParameterArena()
  let buffers = ParameterArena()
  let layer = build(parameters, buffers)
  parameters.finalize()
  buffers.finalize()
  try fixture.loadState(into: [parameters, buffers])

  let context = ExecutionContext(training: training)
  let output = layer.forward(try fixture.activation("x"), context: context)
  var reports = [
    ParityReport(
      "\(fixtureName) out", actual: output.array, expected: try fixture.activationValues("out"), base: base)
  ]
  let gradInput = layer.backward(try fixture.activation("grad_out"), context: context)
  reports.append(
    ParityReport(
      "\(fixtureName) grad_x", actual: gradInput.array, expected: try fixture.activationValues("grad_x"),
      base: base))
  for key in fixture.file.names where key.hasPrefix("grad.") {
    let name = String(key.dropFirst("grad.".count))
    reports.append(
      ParityReport(
        "\(fixtureName) \(key)", actual: torchGradient(parameters, name), expected: try fixture.floats(key),
        base: base))
  }
  for key in fixture.file.names where key.hasPrefix("state.") {
    let name = String(key.dropFirst("state.".count))
    let expected =
      fixture.file.info(key)?.dtype == "I64"
      ? try fixture.file.int64s(key).map(Float.init) : try fixture.floats(key)
    reports.append(
      ParityReport("\(fixtureName) \(key)", actual: torchValue(buffers, name), expected: expected, base: base)
    )
  }
  return reports
}
