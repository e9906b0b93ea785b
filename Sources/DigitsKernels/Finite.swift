/// True when no value is NaN or ±Inf. values: [count].
/// x - x is 0 for every finite x and NaN for NaN and ±Inf, and a sum keeps any NaN, so the scan
/// is one vector subtract-and-add per 8 values, split over the workers.
public func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
  let parts = max(1, min(Workers.count, count / 65536))
  let per = (count + parts - 1) / parts
  return withUnsafeTemporaryAllocation(of: Float.self, capacity: parts) { sums in
    parallelFor(parts) { part in
      let (start, end) = (part * per, min(count, (part + 1) * per))
      let raw = UnsafeRawPointer(values)
      var lanes = SIMD8<Float>()
      var i = start
      while i + 8 <= end {
        let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
        lanes += v - v
        i += 8
      }
      var sum = lanes.sum()
      while i < end {
        sum += values[i] - values[i]
        i += 1
      }
      sums[part] = sum
    }
    return (0..<parts).allSatisfy { sums[$0] == 0 }
  }
}
