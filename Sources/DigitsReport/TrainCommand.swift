import DigitsTraining

extension TrainingConfig {
  /// The `digits train` command line that trains this run's recipe: its protocol, model and stem,
  /// and an option for each way it departs from the protocol's recipe (`recipeChanges`), with the
  /// epoch budget and training limit when they are not the recipe's. Seed, data and output folder
  /// are left to the reader. A change no option makes is named in a trailing shell comment.
  public var trainCommand: String {
    let recipe = protocolRecipe
    var words = ["digits", "train", "--protocol", trainingProtocol.rawValue, "--model", model.rawValue]
    if stem != .standard { words += ["--stem", stem.rawValue] }
    let changes = recipeChanges
    words += changes.compactMap(\.flags).flatMap { $0 }
    if epochs != recipe.epochs { words += ["--epochs", "\(epochs)"] }
    if let trainLimit { words += ["--train-limit", "\(trainLimit)"] }
    let unflagged = changes.filter { $0.flags == nil }.map(\.description)
    return words.joined(separator: " ")
      + (unflagged.isEmpty ? "" : "  # no option sets: " + unflagged.joined(separator: ", "))
  }
}
