import Foundation

/// Numbers as Indonesian pages write them: a decimal comma ("3,51"), the way the
/// forms also accept them. Machine formats (the API, CSV, packages) keep the point.
public enum IndonesianNumber {
    public static func decimal(_ value: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
    }
}
