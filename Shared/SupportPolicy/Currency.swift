/// ISO 4217 currencies the platform trades in, with their minor-unit digits (the exponent: 2 for
/// EUR, 0 for JPY, 3 for BHD). A code not listed is refused as invalid.
public enum Currency {
    /// Code to minor-unit digits.
    public static let minorDigits: [String: Int] = [
        "AED": 2, "ARS": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "COP": 2,
        "CZK": 2, "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2,
        "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KES": 2, "KRW": 0, "KWD": 3, "LYD": 3, "MAD": 2, "MXN": 2,
        "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2, "RON": 2,
        "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "VND": 0,
        "ZAR": 2,
    ]

    /// The minor-unit digits of `code`, or nil if the platform does not know the code.
    public static func minorDigits(of code: String) -> Int? {
        minorDigits[code]
    }

    /// Whether `code` is a currency the platform knows.
    public static func isValid(_ code: String) -> Bool {
        minorDigits[code] != nil
    }
}
