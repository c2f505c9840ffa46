import Foundation

/// A line chart as hand-written SVG: axes with ticks, one polyline per series, optional error bars and
/// a legend. Coordinates are printed with one decimal so the file is byte-stable across runs.
struct SVGChart {
    struct Series {
        let name: String
        let points: [(x: Double, y: Double)]
        /// Half-height of an error bar per point (same order), or empty.
        var errors: [Double] = []
    }

    let title: String
    let xLabel: String
    let yLabel: String
    /// Tick positions with their labels; data x values are in the same units.
    let xTicks: [(Double, String)]
    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double> = 0...1
    let series: [Series]

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    private let width = 480.0, height = 320.0, left = 56.0, right = 130.0, top = 30.0, bottom = 46.0

    private func px(_ x: Double) -> Double {
        let span = xRange.upperBound - xRange.lowerBound
        return left + (span == 0 ? 0.5 : (x - xRange.lowerBound) / span) * (width - left - right)
    }

    private func py(_ y: Double) -> Double {
        let clamped = Swift.min(Swift.max(y, yRange.lowerBound), yRange.upperBound)
        return height - bottom - (clamped - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (height - top - bottom)
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    var svg: String {
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Self.f(width / 2 - right / 2 + left / 2))" y="18" text-anchor="middle" font-size="13">\(Self.escape(title))</text>

        """
        let x0 = px(xRange.lowerBound), x1 = px(xRange.upperBound), y0 = py(yRange.lowerBound), y1 = py(yRange.upperBound)
        out += "<path d=\"M\(Self.f(x0)),\(Self.f(y1)) V\(Self.f(y0)) H\(Self.f(x1))\" stroke=\"black\" fill=\"none\"/>\n"
        for (x, label) in xTicks {
            out += "<line x1=\"\(Self.f(px(x)))\" y1=\"\(Self.f(y0))\" x2=\"\(Self.f(px(x)))\" y2=\"\(Self.f(y0 + 4))\" stroke=\"black\"/>"
            out += "<text x=\"\(Self.f(px(x)))\" y=\"\(Self.f(y0 + 16))\" text-anchor=\"middle\">\(Self.escape(label))</text>\n"
        }
        for k in 0...5 {
            let y = yRange.lowerBound + Double(k) / 5 * (yRange.upperBound - yRange.lowerBound)
            out += "<line x1=\"\(Self.f(x0 - 4))\" y1=\"\(Self.f(py(y)))\" x2=\"\(Self.f(x1))\" y2=\"\(Self.f(py(y)))\" stroke=\"#dddddd\"/>"
            out += "<text x=\"\(Self.f(x0 - 7))\" y=\"\(Self.f(py(y) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", y))</text>\n"
        }
        out += "<text x=\"\(Self.f((x0 + x1) / 2))\" y=\"\(Self.f(height - 10))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(14,\(Self.f((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (index, line) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = line.points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
            var data = "<polyline points=\"\(points)\" stroke=\"\(colour)\" stroke-width=\"1.8\" fill=\"none\"/>\n"
            for (point, error) in zip(line.points, line.errors) where error > 0 {
                data += "<line x1=\"\(Self.f(px(point.x)))\" y1=\"\(Self.f(py(point.y - error)))\" x2=\"\(Self.f(px(point.x)))\" y2=\"\(Self.f(py(point.y + error)))\" stroke=\"\(colour)\"/>\n"
            }
            if line.points.count <= 12 {
                for point in line.points {
                    data += "<circle cx=\"\(Self.f(px(point.x)))\" cy=\"\(Self.f(py(point.y)))\" r=\"2.5\" fill=\"\(colour)\"/>\n"
                }
            }
            // The series' data as one field: under a tolerance a curve may even gain or lose points.
            out += ReportField.tag(.plot, data)
            let ly = top + 8 + Double(index) * 16
            out += "<line x1=\"\(Self.f(width - right + 10))\" y1=\"\(Self.f(ly))\" x2=\"\(Self.f(width - right + 28))\" y2=\"\(Self.f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(Self.f(width - right + 32))\" y=\"\(Self.f(ly + 4))\">\(Self.escape(line.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
