import ArgumentParser
import DigitsKit

// Flags whose values are the library's enums: `--help` lists every value, and a value that is
// none of them is refused by the parser.
extension ResNetArchitecture: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension TrainingProtocol: ExpressibleByArgument {}
extension ResNetStem: ExpressibleByArgument {}
extension Augmentation.Sampling: ExpressibleByArgument {}
