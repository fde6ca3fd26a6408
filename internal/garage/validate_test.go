package garage

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValidSIRET(t *testing.T) {
	for s, want := range map[string]bool{
		"73282932000074":  true, // a well-known published SIRET
		"44306184100047":  true,
		"73282932000075":  false, // one digit off
		"7328293200007":   false, // 13 digits
		"732829320000740": false,
		"7328293200007a":  false,
		"00000000000000":  true, // checksum-valid, as Luhn allows
		"":                false,
	} {
		if got := ValidSIRET(s); got != want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"05 61 00 00 00": true, "0561000000": true, "+33 5 61 00 00 00": true, "05.61.00.00.00": true, "06-12-34-56-78": true,
		"0612345678": true, "+44 20 7946 0958": true, "0033 5 61 00 00 00": true, "(0)5 61 00 00 00": true,
		"5 61 00 00 00": false, "00 00 00 00 00": false, "+33 05 61 00 00 00": false, "05 61 00 00": false, "05 61 00 00 0a": false,
		"+33 6 12": false, "06 12 34 56 78 90": false, "0012": false, "++33612345678": false, "0612345678<": false, "": false,
	} {
		if got := ValidPhone(s); got != want {
			t.Errorf("ValidPhone(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"lea.martin@exemple.fr": true, "a+b@sous.exemple.fr": true,
		"pas-une-adresse": false, "Hélène <helene@exemple.fr>": false, "a@b": false, "a@b.": false, "a@.b": false,
		"a@b.fr, c@d.fr": false, "a@b.fr\r\nBcc: c@d.fr": false, strings.Repeat("a", 250) + "@b.fr": false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestValidatorWording holds the one wording of each rule, whatever the form.
func TestValidatorWording(t *testing.T) {
	today := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	v := NewValidator()
	if got := v.Line("nom", "Le nom", "  Dupré  ", true, 10); got != "Dupré" {
		t.Errorf("Line trims: %q", got)
	}
	v.Line("vide", "Le nom", " ", true, 10)
	v.Line("long", "La rue", strings.Repeat("é", 11), true, 10)
	v.Line("ctl", "Le sujet", "Objet\nBcc: a@b.fr", false, 100)
	v.Text("court", "Le message", "Bonjour", true, 10, 100)
	v.Text("ok", "Le message", "Bonjour,\r\nune ligne\tet une autre.", true, 10, 100)
	v.Email("email", "L'adresse e-mail", "pas-une-adresse", true)
	v.Phone("tel", "Le téléphone", "12", true)
	v.SIRET("siret", "Le numéro SIRET", "732 829 320 00075")
	v.PostalCode("cp", "Le code postal", "3120")
	if n, ok := v.Int("prix", "Le prix", "12 990 €", 1, 5_000_000, "€"); n != 12990 || !ok {
		t.Errorf("Int(12 990 €) = %d, %v", n, ok)
	}
	v.Int("km", "Le kilométrage", "-5", 1, 2_000_000, "km")
	v.Int("annee", "L'année", "20 000", 1900, 2100, "")
	if p := v.Plate("plaque", "L'immatriculation", " ab 123-cd ", true); p != "AB-123-CD" {
		t.Errorf("Plate = %q", p)
	}
	v.Plate("plaque_fausse", "L'immatriculation", "AB-123", false)
	v.Plate("plaque_vide", "L'immatriculation", "", true)
	v.Choose("role", false)
	v.Rating("note", "4.5")
	v.Date("ct", "La date du contrôle technique", "2026-03-05", false, today.AddDate(-10, 0, 0), today)
	v.Date("vieux", "La date de l'expérience", "2015-01-01", false, today.AddDate(-10, 0, 0), today)
	v.Date("faux", "La date", "04/03/2026", false, time.Time{}, today)
	if d := v.Date("jour", "La date", "2026-03-04", false, time.Time{}, today); DateText(d) != "2026-03-04" {
		t.Error("today refused")
	}
	want := FieldErrors{
		"vide":          "Le nom est obligatoire.",
		"long":          "La rue ne doit pas dépasser 10 caractères.",
		"ctl":           "Le sujet contient des caractères non autorisés.",
		"court":         "Le message doit compter au moins 10 caractères.",
		"email":         MsgEmail,
		"tel":           MsgPhone,
		"siret":         msgSIRET,
		"cp":            msgPostalCode,
		"km":            "Le kilométrage doit être un nombre entier entre 1 et 2\u202f000\u202f000\u202fkm.",
		"annee":         "L'année doit être un nombre entier entre 1900 et 2100.",
		"role":          msgChoose,
		"plaque_fausse": MsgPlate,
		"plaque_vide":   "L'immatriculation est obligatoire.",
		"note":          msgRating,
		"ct":            "La date du contrôle technique ne peut pas être dans le futur.",
		"vieux":         "La date de l'expérience est trop loin dans le passé.",
		"faux":          "La date n'est pas une date valide (jj/mm/aaaa).",
	}
	for field, msg := range want {
		if v.Errors[field] != msg {
			t.Errorf("%s: %q, want %q", field, v.Errors[field], msg)
		}
	}
	if len(v.Errors) != len(want) {
		t.Errorf("errors: %q", v.Errors)
	}
	// The first problem of a field is the one shown.
	v.Line("vide", "Le nom", strings.Repeat("x", 20), true, 10)
	if v.Errors["vide"] != "Le nom est obligatoire." {
		t.Errorf("second error replaced the first: %q", v.Errors["vide"])
	}
}

func TestLegalNoticeNumbers(t *testing.T) {
	for s, want := range map[string]bool{
		"FR40303265045": true,  // the example of the wording
		"FR41303265045": false, // wrong key
		"FR4030326504":  false,
		"DE40303265045": false,
		"FRAB303265045": false,
	} {
		if got := ValidVAT(s); got != want {
			t.Errorf("ValidVAT(%q) = %v, want %v", s, got, want)
		}
	}
	v := NewValidator()
	if got := v.VAT("tva", "Le numéro de TVA", " fr 40 303 265 045 ", true); got != "FR40303265045" || !v.Valid() {
		t.Errorf("VAT = %q, %v", got, v.Errors)
	}
	if got := v.SIREN("rcs", "Le numéro RCS", "732 829 320", true); got != "732829320" || !v.Valid() {
		t.Errorf("SIREN = %q, %v", got, v.Errors)
	}
	if n := v.Amount("capital", "Le capital", "7 500,00 €", true, DetailsMaxCapital); n != 7500 || !v.Valid() {
		t.Errorf("Amount = %d, %v", n, v.Errors)
	}
	v.VAT("tva_fausse", "Le numéro de TVA", "FR41303265045", true)
	v.SIREN("rcs_faux", "Le numéro RCS", "732 829 321", true)
	v.Amount("capital_faux", "Le capital", "7,5k", true, DetailsMaxCapital)
	v.Amount("capital_vide", "Le capital", "", true, DetailsMaxCapital)
	want := FieldErrors{"tva_fausse": msgVAT, "rcs_faux": msgSIREN,
		"capital_faux": "Le capital doit être un montant en euros sans centimes, de 1 à 100\u202f000\u202f000\u00a0€ (exemple : 7\u00a0500).",
		"capital_vide": "Le capital est obligatoire."}
	if !reflect.DeepEqual(v.Errors, want) {
		t.Errorf("errors:\n got %#v\nwant %#v", v.Errors, want)
	}
}
