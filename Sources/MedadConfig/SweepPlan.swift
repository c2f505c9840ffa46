import MedadSupport

/// One cell of a sweep: a complete run config with every axis fixed.
public struct SweepCell: Equatable {
    /// Stable across machines and runs: readable axis values plus a hash of the resolved config, so a
    /// changed config never reuses an old cell's folder.
    public let id: String
    public let config: JSONValue
    /// The axis values of this cell, in axis order.
    public let assignments: [(path: String, value: JSONValue)]

    public static func == (a: SweepCell, b: SweepCell) -> Bool { a.id == b.id && a.config == b.config }
}

/// The `sweep` block of an experiment: axes named by config path, each a list of values. Cells are
/// the cartesian product, first axis slowest. A list of such blocks is the union of their products (in
/// order, a cell listed twice kept once), for sweeps that are not full grids: methods without labels
/// at ratio 0 only, methods with labels at every ratio.
public struct SweepPlan {
    public typealias Axes = [(path: String, values: [JSONValue])]
    public let base: JSONValue
    /// One grid per block; a document without `sweep` is one grid without axes (a plan of one cell).
    public let grids: [Axes]
    /// The first grid's axes (what `firstCell` fixes).
    public var axes: Axes { grids[0] }

    /// Splits an experiment document into its base config and its grids.
    public init(experiment: JSONValue, source: String) throws {
        guard case .object(var object) = experiment else {
            throw MedadError("\(source): expected a JSON object at the top level, got \(experiment.typeName)")
        }
        var grids: [Axes] = [[]]
        switch object["sweep"] {
        case nil: break
        case .object(let block)?: grids = [try Self.axes(block, path: "sweep", source: source)]
        case .array(let blocks)? where !blocks.isEmpty:
            grids = try blocks.enumerated().map { index, block in
                guard case .object(let axes) = block else {
                    throw MedadError("\(source): sweep[\(index)]: expected an object of axes, got \(block.typeName)")
                }
                return try Self.axes(axes, path: "sweep[\(index)]", source: source)
            }
        case let other?:
            throw MedadError("\(source): sweep: expected an object of axes or a non-empty list of them, got \(other.typeName)")
        }
        object["sweep"] = nil
        self.base = .object(object)
        self.grids = grids
    }

    private static func axes(_ block: JSONObject, path: String, source: String) throws -> Axes {
        try block.pairs.map { axis, values in
            _ = try ConfigComposition.keys(of: axis, origin: "\(source): \(path).")
            guard case .array(let list) = values, !list.isEmpty else {
                throw MedadError("\(source): \(path).\(ConfigText.clipped(axis)): expected a non-empty list of values, got \(values.typeName)")
            }
            var seen = Set<String>()
            if let twice = list.first(where: { !seen.insert($0.canonical).inserted }) {
                throw MedadError("\(source): \(path).\(ConfigText.clipped(axis)): value \(ConfigText.clipped(twice.canonical)) is listed twice; each cell must be listed once")
            }
            return (axis, list)
        }
    }

    public var cells: [SweepCell] {
        var seen = Set<String>()
        return grids.flatMap { axes -> [SweepCell] in
            var combinations: [[(String, JSONValue)]] = [[]]
            for (path, values) in axes {
                combinations = combinations.flatMap { prefix in values.map { prefix + [(path, $0)] } }
            }
            return combinations.map(cell)
        }.filter { seen.insert($0.id).inserted }
    }

    /// The cell with every axis at its first value, then `overrides` applied (they win over axes).
    public func firstCell(overrides: [String]) throws -> SweepCell {
        let first = axes.map { ($0.path, $0.values[0]) }
        let config = try ConfigComposition.apply(overrides, to: resolved(first))
        return SweepCell(id: Self.id(first.map { ($0.0, ConfigComposition.value(at: $0.0, in: config) ?? $0.1) }, config: config),
                         config: config, assignments: first)
    }

    private func resolved(_ assignments: [(String, JSONValue)]) -> JSONValue {
        assignments.reduce(base) { document, assignment in
            // Paths come from the sweep block's own keys, so they are never empty.
            (try? ConfigComposition.set(assignment.1, at: assignment.0.split(separator: ".").map(String.init),
                                        in: document, fullPath: assignment.0)) ?? document
        }
    }

    private func cell(_ assignments: [(String, JSONValue)]) -> SweepCell {
        let config = resolved(assignments)
        return SweepCell(id: Self.id(assignments, config: config), config: config, assignments: assignments)
    }

    static func id(_ assignments: [(String, JSONValue)], config: JSONValue) -> String {
        let readable = assignments.map { _, value -> String in
            let text: String
            if case .string(let s) = value { text = s } else { text = value.canonical }
            return String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        }
        let hash = String(StableHash.hex(config.canonical).prefix(8))
        return (readable + [hash]).joined(separator: "_")
    }
}
