extension Sequence where Element: Hashable {
    /// Each distinct element once, in the order it first occurs: the order in which a sweep or a table
    /// names its backbones and methods is the order a report shows them.
    public func firstOccurrences() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
