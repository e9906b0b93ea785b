// The one module a Swift program imports to classify, train and evaluate: it brings the layers
// below it (data, models, training, image import, worker control) into scope with it.
@_exported import DigitsData
@_exported import DigitsImaging
@_exported import DigitsKernels
@_exported import DigitsModels
@_exported import DigitsNN
@_exported import DigitsTraining
