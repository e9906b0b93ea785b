#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The few JSON shapes a safetensors header uses. Decoding into this loose value first lets the
/// validator word its own errors instead of passing on the decoder's.
enum SafeTensorsJSON: Decodable {
  case string(String)
  case integer(Int)
  case array([SafeTensorsJSON])
  case object([String: SafeTensorsJSON])
  /// Anything else (null, booleans, fractions, integers beyond Int): always invalid here.
  case other

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let v = try? c.decode(String.self) {
      self = .string(v)
    } else if let v = try? c.decode(Int.self) {
      self = .integer(v)
    } else if let v = try? c.decode([SafeTensorsJSON].self) {
      self = .array(v)
    } else if let v = try? c.decode([String: SafeTensorsJSON].self) {
      self = .object(v)
    } else {
      self = .other
    }
  }

  /// Parses `bytes`, or nil when they are not JSON (the decoder gives no detail worth showing).
  static func parse(_ bytes: ArraySlice<UInt8>) -> SafeTensorsJSON? {
    try? JSONDecoder().decode(SafeTensorsJSON.self, from: Data(bytes))
  }

  /// A JSON string literal escaped as serde_json (the Python library's writer) does it, so
  /// headers written here match its bytes.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{8}": out += "\\b"
      case "\u{c}": out += "\\f"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
