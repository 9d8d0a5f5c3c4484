package flow

import "strings"

// callingCodes maps ISO 3166 country codes to telephone calling codes, for
// PhoneNumberValidation with NumberFormat Local.
var callingCodes = map[string]string{
	"US": "1", "CA": "1", "PR": "1", "GB": "44", "IE": "353", "FR": "33", "DE": "49", "ES": "34",
	"IT": "39", "PT": "351", "NL": "31", "BE": "32", "LU": "352", "CH": "41", "AT": "43",
	"SE": "46", "NO": "47", "DK": "45", "FI": "358", "PL": "48", "CZ": "420", "GR": "30",
	"AU": "61", "NZ": "64", "JP": "81", "KR": "82", "CN": "86", "HK": "852", "SG": "65",
	"IN": "91", "ZA": "27", "BR": "55", "MX": "52", "AR": "54", "CL": "56", "CO": "57",
	"IL": "972", "AE": "971", "SA": "966", "TR": "90", "PH": "63", "MY": "60", "TH": "66",
}

// IsE164 reports whether s is a phone number in E.164 form (+ and 7 to 15
// digits, no leading zero).
func IsE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizePhone turns customer input into an E.164 number.
func normalizePhone(in, format, country string) (string, bool) {
	var b strings.Builder
	for i, c := range in {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return "", false
		}
	}
	s := b.String()
	if format == "E164" || strings.HasPrefix(s, "+") {
		return s, IsE164(s)
	}
	cc := callingCodes[strings.ToUpper(country)]
	if cc == "" {
		return "", false
	}
	if cc == "1" {
		if len(s) == 11 && s[0] == '1' {
			s = s[1:]
		}
		if len(s) != 10 {
			return "", false
		}
	} else {
		s = strings.TrimPrefix(s, "0")
	}
	out := "+" + cc + s
	return out, IsE164(out)
}
