package views

import (
	"testing"

	"github.com/vparrot/garage/internal/garage"
)

func TestPaths(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{CarPath(&garage.Car{ID: 12, Slug: "peugeot-208-1-2-puretech-110-allure"}), "/occasions/12-peugeot-208-1-2-puretech-110-allure"},
		{CarPath(&garage.Car{ID: 12}), "/occasions/12"},
		{AdminCarPath(7), "/admin/voitures/7"},
		{AdminCarPath(7, "statut"), "/admin/voitures/7/statut"},
		{AdminCarPhotoPath(7, 3), "/admin/voitures/7/photos/3"},
		{AdminServicePath(4, "image", "supprimer"), "/admin/services/4/image/supprimer"},
		{AdminServiceRow(4), "/admin/services#service-4"},
		{AccountLinkPath(garage.TokenInvite, "abc"), "/invitation/abc"},
		{AccountLinkPath(garage.TokenReset, "abc"), "/reinitialiser/abc"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
