extension Duration {
    /// The duration in seconds, for rates and latencies.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
