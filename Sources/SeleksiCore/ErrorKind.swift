/// What kind of refusal a domain error is. The domain says what went wrong; the HTTP
/// edge (`SeleksiHTTP`) alone turns a kind into a status code.
public enum ErrorKind: String, Sendable, Hashable, CaseIterable {
    /// The request cannot be read at all (a broken body).
    case malformed
    /// Read, but a value breaks a rule (a field out of range, a weak password).
    case invalid
    /// A file too large for what it is.
    case tooLarge
    /// A file of a type that is not accepted.
    case unsupportedType
    /// Nobody (or nobody valid) is signed in.
    case unauthenticated
    /// Signed in, but not allowed this.
    case forbidden
    /// No such thing (or none this caller may see).
    case notFound
    /// Not now: the state or the timetable does not allow it.
    case conflict
    /// Too many attempts; try later.
    case tooMany
    /// A service this depends on cannot be reached now.
    case unavailable
    /// The system's own fault.
    case `internal`
}
