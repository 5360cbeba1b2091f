package letters

import (
	"bytes"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Render writes a letter as a one-page PDF. It uses the PDF core fonts
// (Helvetica), so nothing is embedded and the text stays searchable; text
// is set in Windows-1252, which covers the plan's and providers' names. The
// same letter renders to the same bytes, so storing it again is harmless.
func Render(l *portal.Letter) ([]byte, error) {
	p := fpdf.New("P", "pt", "Letter", "")
	p.SetCreationDate(l.CreatedAt)
	p.SetModificationDate(l.CreatedAt)
	p.SetCatalogSort(true)
	p.SetTitle(Title(l), true)
	p.SetAuthor(l.PlanName, true)
	p.SetMargins(72, 72, 72)
	p.SetAutoPageBreak(true, 72)
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.AddPage()

	p.SetFont("Helvetica", "B", 16)
	p.CellFormat(0, 22, tr(l.PlanName), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 10)
	p.CellFormat(0, 14, tr("Provider Services - Disputes and Appeals"), "", 1, "L", false, 0, "")
	p.Ln(18)
	p.CellFormat(0, 14, l.CreatedAt.UTC().Format("January 2, 2006"), "", 1, "L", false, 0, "")
	p.Ln(8)
	if l.ProviderName != "" {
		p.CellFormat(0, 14, tr(l.ProviderName), "", 1, "L", false, 0, "")
	}
	p.CellFormat(0, 14, "Tax ID "+string(l.Provider), "", 1, "L", false, 0, "")
	p.Ln(18)

	p.SetFont("Helvetica", "B", 12)
	p.MultiCell(0, 16, tr(Title(l)), "", "L", false)
	p.Ln(6)
	p.SetFont("Helvetica", "", 10)
	for _, row := range facts(l) {
		p.SetFont("Helvetica", "B", 10)
		p.CellFormat(140, 14, tr(row[0]), "", 0, "L", false, 0, "")
		p.SetFont("Helvetica", "", 10)
		p.MultiCell(0, 14, tr(row[1]), "", "L", false)
	}
	p.Ln(12)
	for _, para := range body(l) {
		p.MultiCell(0, 14, tr(para), "", "L", false)
		p.Ln(8)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, fmt.Errorf("render letter: %w", err)
	}
	return b.Bytes(), nil
}

// Title is a letter's title, shown in the list and at the top of the PDF.
func Title(l *portal.Letter) string {
	what := kindName(l.CaseKind)
	switch l.Type {
	case portal.LetterDecision:
		return "Decision on your " + what + " " + l.CaseID
	case portal.LetterIncomplete:
		return "Your " + what + " " + l.CaseID + " needs more information"
	}
	return "We received your " + what + " " + l.CaseID
}

func kindName(k portal.CaseKind) string {
	switch k {
	case portal.CaseDispute:
		return "claim dispute"
	case portal.CaseClinicalAppeal:
		return "clinical appeal"
	}
	return "claim appeal"
}

const day = "January 2, 2006"

func facts(l *portal.Letter) [][2]string {
	rows := [][2]string{{"Case ID", l.CaseID}}
	if l.ClaimNumber != "" {
		rows = append(rows, [2]string{"Claim number", l.ClaimNumber})
	}
	if l.AuthorizationID != "" {
		rows = append(rows, [2]string{"Authorization request", l.AuthorizationID})
	}
	rows = append(rows, [2]string{"Received", l.ReceivedAt.UTC().Format(day)})
	switch l.Type {
	case portal.LetterAcknowledgement:
		rows = append(rows, [2]string{"Decision expected by", l.DecisionDue.Time().Format(day)})
	default:
		if l.DecidedAt != nil {
			rows = append(rows, [2]string{"Decided", l.DecidedAt.UTC().Format(day)})
		}
		if l.Type == portal.LetterDecision {
			rows = append(rows, [2]string{"Decision", outcomeName(l.Outcome)})
		}
		if l.Amount > 0 {
			rows = append(rows, [2]string{"Amount to be paid", "$" + l.Amount.String()})
		}
	}
	return rows
}

func outcomeName(o portal.CaseOutcome) string {
	switch o {
	case portal.OutcomeOverturned:
		return "Overturned"
	case portal.OutcomePartlyOverturned:
		return "Partially overturned"
	}
	return "Upheld"
}

func body(l *portal.Letter) []string {
	what := kindName(l.CaseKind)
	switch l.Type {
	case portal.LetterAcknowledgement:
		return []string{
			fmt.Sprintf("We received your %s on %s. We will review it and send you our decision by %s.",
				what, l.ReceivedAt.UTC().Format(day), l.DecisionDue.Time().Format(day)),
			"You can add documents to this case, or check its status, in the provider portal under Disputes and Appeals, by the case ID above.",
		}
	case portal.LetterIncomplete:
		return []string{
			"We cannot decide your " + what + " until we have: " + strings.TrimSpace(l.Missing),
			"Add the documents to this case in the provider portal and submit it again. We will then review it.",
		}
	}
	paras := []string{decisionSentence(l, what)}
	if l.Reason != "" {
		paras = append(paras, "Reason: "+l.Reason)
	}
	if l.Outcome == portal.OutcomeUpheld && l.CaseKind != portal.CaseDispute {
		paras = append(paras, "If you disagree with this decision, you may have further appeal rights, including an external review. Call Provider Services for the options that apply.")
	}
	return paras
}

func decisionSentence(l *portal.Letter, what string) string {
	switch l.Outcome {
	case portal.OutcomeOverturned:
		return "We reviewed your " + what + " and overturned our earlier decision. The claim will be reprocessed."
	case portal.OutcomePartlyOverturned:
		return "We reviewed your " + what + " and partially overturned our earlier decision: $" + l.Amount.String() + " will be paid."
	}
	return "We reviewed your " + what + " and upheld our earlier decision."
}
