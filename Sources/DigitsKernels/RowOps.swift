/// matrix[r, c] += vector[c] for every row. matrix: [rows, columns], vector: [columns].
public func addRowVector(
  _ matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int, vector: UnsafePointer<Float>
) {
  parallelChunks(rows, grain: max(1, 16384 / max(columns, 1))) { range in
    for row in range {
      let line = matrix + row * columns
      forEachGroupOf8(0..<columns) { c, lanes in
        (line + c).store8((line + c).load8(lanes: lanes) + (vector + c).load8(lanes: lanes), lanes: lanes)
      }
    }
  }
}

/// matrix[r, c] = vector[c] (+ addend[r, c] when given). matrix, addend: [rows, columns].
public func fillRows(
  _ matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int, with vector: UnsafePointer<Float>,
  adding addend: UnsafePointer<Float>?
) {
  parallelChunks(rows, grain: max(1, 16384 / max(columns, 1))) { range in
    for row in range {
      let line = matrix + row * columns
      let extra = addend.map { $0 + row * columns }
      forEachGroupOf8(0..<columns) { c, lanes in
        var value = (vector + c).load8(lanes: lanes)
        if let extra { value += (extra + c).load8(lanes: lanes) }
        (line + c).store8(value, lanes: lanes)
      }
    }
  }
}

/// destination[r, c] = source[r, c] · scale[r]. Both [rows, columns] (may alias).
public func scaleRows(
  _ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, rows: Int, columns: Int,
  by scale: UnsafePointer<Float>
) {
  parallelChunks(rows, grain: max(1, 16384 / max(columns, 1))) { range in
    for row in range {
      let factor = Float8(repeating: scale[row])
      let (from, to) = (source + row * columns, destination + row * columns)
      forEachGroupOf8(0..<columns) { c, lanes in
        (to + c).store8((from + c).load8(lanes: lanes) * factor, lanes: lanes)
      }
    }
  }
}

/// result[c] (+)= Σ_r matrix[r, c]. matrix: [rows, columns], result: [columns].
/// Sums in Double so long columns (N·H·W up to ~10⁵) keep float32 accuracy.
public func sumRows(
  into result: UnsafeMutablePointer<Float>, _ matrix: UnsafePointer<Float>, rows: Int, columns: Int,
  accumulate: Bool
) {
  withColumnSums(matrix, rows: rows, columns: columns) { sums in
    for column in 0..<columns {
      result[column] = (accumulate ? result[column] : 0) + Float(sums[column])
    }
  }
}

/// Σ_r matrix[r, c] in Double, split across workers, handed to `body` as [columns].
public func withColumnSums(
  _ matrix: UnsafePointer<Float>, rows: Int, columns: Int,
  _ body: (UnsafePointer<Double>) -> Void
) {
  withBlockedColumnReduction(rows: rows, columns: columns, values: 1) { row, block in
    let line = matrix + row * columns
    forEachGroupOf8(0..<columns) { c, lanes in
      (block + c).store8((block + c).load8(lanes: lanes) + (line + c).load8(lanes: lanes), lanes: lanes)
    }
  } body: { sums in
    body(sums)
  }
}

/// `withColumnReduction` for sums whose terms are float32: `accumulateRow(row, block)` adds one
/// row's terms to a float32 block [values · columns] (8 lanes at a time), which is added into
/// the Double partial sums every `blockRows` rows. Float adds vectorise where Double
/// conversions halve the width, and the float32 rounding error stays that of a 64-term sum.
public func withBlockedColumnReduction(
  rows: Int, columns: Int, values: Int, blockRows: Int = 64,
  accumulateRow: (Int, UnsafeMutablePointer<Float>) -> Void,
  body: (UnsafePointer<Double>) -> Void
) {
  let width = columns * values
  withColumnReduction(rows: rows, columns: columns, values: values) { range, partial in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
      let block = buffer.baseAddress!
      var start = range.lowerBound
      while start < range.upperBound {
        let end = min(start + blockRows, range.upperBound)
        block.initialize(repeating: 0, count: width)
        for row in start..<end { accumulateRow(row, block) }
        for index in 0..<width { partial[index] += Double(block[index]) }
        start = end
      }
    }
  } body: { sums in
    body(sums)
  }
}

/// Runs `accumulate(rows, partial)` on disjoint row ranges, each with its own zeroed
/// [values · columns] Double scratch, then hands the summed scratch to `body`.
public func withColumnReduction(
  rows: Int, columns: Int, values: Int,
  accumulate: (Range<Int>, UnsafeMutablePointer<Double>) -> Void,
  body: (UnsafePointer<Double>) -> Void
) {
  let width = columns * values
  let workers = min(Workers.count, max(1, rows * columns / 16384))
  // On the stack when it fits (a few KB here): thread-safe and no heap allocation per step.
  withUnsafeTemporaryAllocation(of: Double.self, capacity: width * workers) { buffer in
    let scratch = buffer.baseAddress!
    scratch.initialize(repeating: 0, count: width * workers)
    let per = (rows + workers - 1) / workers
    parallelFor(workers) { worker in
      let start = worker * per
      let end = min(rows, start + per)
      if start < end { accumulate(start..<end, scratch + worker * width) }
    }
    for worker in 1..<max(workers, 1) {
      let partial = scratch + worker * width
      for index in 0..<width { scratch[index] += partial[index] }
    }
    body(scratch)
  }
}
