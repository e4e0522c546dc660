import Foundation
import SupportPolicy
import Wire

/// How the console writes the services' numbers: exactly, from their integer forms (parts per
/// million, thousandths, whole seconds), so that a page shows what the RPC said and nothing
/// rounded away.
public enum Figures {
    /// Parts per million as a percentage with up to four decimals, trailing zeros dropped:
    /// 937,500 is "93.75 %", 1,000,000 is "100 %".
    public static func percent(ppm: Int64) -> String {
        "\(decimal(ppm, scale: 10_000)) %"
    }

    /// Thousandths as a decimal number: 4,250 is "4.25".
    public static func thousandths(_ milli: Int64) -> String {
        decimal(milli, scale: 1_000)
    }

    /// An amount with its currency's decimals and code ("79.00 EUR"); a code the platform does
    /// not know is shown as minor units.
    public static func amount(minorUnits: Int64, currencyCode: String) -> String {
        guard let digits = Currency.minorDigits(of: currencyCode) else {
            return "\(minorUnits) minor units \(currencyCode)"
        }
        return "\(amount(minorUnits: minorUnits, digits: digits)) \(currencyCode)"
    }

    /// An amount in minor units with exactly `digits` decimals (the currency's exponent):
    /// 7,900 with 2 is "79.00", 8,116 with 0 is "8116", -1,005 with 3 is "-1.005".
    public static func amount(minorUnits: Int64, digits: Int) -> String {
        guard digits > 0 else { return String(minorUnits) }
        let magnitude = String(minorUnits.magnitude)
        let padded = String(repeating: "0", count: max(0, digits + 1 - magnitude.count)) + magnitude
        let text = "\(padded.dropLast(digits)).\(padded.suffix(digits))"
        return minorUnits < 0 ? "-" + text : text
    }

    /// `value / scale` written exactly (scale a power of ten), trailing zeros dropped.
    static func decimal(_ value: Int64, scale: Int64) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        let whole = magnitude / UInt64(scale)
        let fraction = magnitude % UInt64(scale)
        var text = String(whole)
        if fraction > 0 {
            let digits = String(scale).count - 1
            var fractionText = String(fraction)
            fractionText = String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
            while fractionText.hasSuffix("0") { fractionText.removeLast() }
            text += "." + fractionText
        }
        return negative ? "-" + text : text
    }

    /// A duration as whole seconds: "3725 s".
    public static func seconds(_ duration: ProtoDuration?) -> String {
        "\(duration?.seconds ?? 0) s"
    }

    /// A duration for people: "1 h 2 min", "3 d 4 h", "45 s".
    public static func humanDuration(seconds: Int64) -> String {
        let total = max(0, seconds)
        let days = total / 86_400
        let hours = total % 86_400 / 3_600
        let minutes = total % 3_600 / 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(total % 60) s" }
        return "\(total) s"
    }

    /// A timestamp in UTC, to the second: "2026-11-30 10:27:00 UTC"; "-" when absent.
    public static func time(_ timestamp: Timestamp?) -> String {
        guard let timestamp, timestamp.seconds != 0 || timestamp.nanos != 0 else { return "-" }
        return dateTimeFormat.format(Date(timeIntervalSince1970: Double(timestamp.seconds))) + " UTC"
    }

    /// A timestamp in RFC 3339 (for `<time datetime>`).
    public static func machineTime(_ timestamp: Timestamp?) -> String {
        guard let timestamp else { return "" }
        return Date(timeIntervalSince1970: Double(timestamp.seconds)).ISO8601Format()
    }

    /// A UTC calendar day: "2026-11-30".
    public static func day(_ date: Date) -> String {
        dayFormat.format(date)
    }

    private static let dateTimeFormat = Date.VerbatimFormatStyle(
        format:
            "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
        timeZone: .gmt, calendar: Calendar(identifier: .gregorian))
    private static let dayFormat = Date.VerbatimFormatStyle(
        format: "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits)", timeZone: .gmt,
        calendar: Calendar(identifier: .gregorian))
}
