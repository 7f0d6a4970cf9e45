public import Hummingbird

/// The request context of the node's routes.
public struct ExamRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) { coreContext = .init(source: source) }

    /// Small enough that an oversized body is refused before it is read; a roster of a
    /// few thousand candidates fits.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
