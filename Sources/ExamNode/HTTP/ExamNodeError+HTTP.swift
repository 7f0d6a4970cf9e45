public import SeleksiHTTP

/// The node's refusals answer with the one error body; their kinds become statuses there.
extension ExamNodeError: PublicError {}
