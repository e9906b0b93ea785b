// The one module a Swift program imports to classify, train, evaluate, report and export: it
// brings the layers below it (data, models, training, the experiment report, image import, ONNX
// export, worker control) into scope with it.
@_exported import DigitsData
@_exported import DigitsDistributed
@_exported import DigitsExport
@_exported import DigitsImaging
@_exported import DigitsKernels
@_exported import DigitsModels
@_exported import DigitsNN
@_exported import DigitsReport
@_exported import DigitsTraining
