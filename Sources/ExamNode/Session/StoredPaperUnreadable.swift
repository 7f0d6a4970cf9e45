/// A candidate's stored paper that does not decode: damage in the node's own store.
/// Not a `PublicError`, so the client sees the internal-error answer and the log the reason.
struct StoredPaperUnreadable: Error, CustomStringConvertible {
    let reason: String
    var description: String { "naskah tersimpan tidak terbaca: \(reason)" }
}
