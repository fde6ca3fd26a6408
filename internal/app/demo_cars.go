package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"image/jpeg"
	"sync"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
)

// demoCar is one car of the demo catalogue.
type demoCar struct {
	make, model, version string
	price, year, month   int
	km                   int
	fuel, gearbox, body  string
	hp, cv, doors, seats int
	colour               string
	paint                int // index in demoPaints
	critAir              string
	equipment            []string
	status               garage.CarStatus
}

// demoPaints are the body colours of the generated photos.
var demoPaints = []color.RGBA{
	{0xD9, 0x23, 0x32, 0xFF}, // rouge
	{0xF2, 0xF2, 0xF2, 0xFF}, // blanc
	{0x26, 0x25, 0x26, 0xFF}, // noir
	{0x8A, 0x8D, 0x91, 0xFF}, // gris
	{0x1F, 0x4E, 0x99, 0xFF}, // bleu
	{0xC8, 0xC3, 0xB8, 0xFF}, // beige / sable
	{0x2E, 0x6B, 0x3F, 0xFF}, // vert
	{0xE0, 0x8A, 0x1E, 0xFF}, // orange
}

var (
	eqClim    = "Climatisation automatique"
	eqClimM   = "Climatisation manuelle"
	eqGPS     = "GPS"
	eqCam     = "Caméra de recul"
	eqRadar   = "Radar de recul"
	eqCarplay = "Apple CarPlay / Android Auto"
	eqReg     = "Régulateur de vitesse"
	eqRegA    = "Régulateur adaptatif"
	eqJantes  = "Jantes alliage"
	eqSieges  = "Sièges chauffants"
	eqCuir    = "Sellerie cuir"
	eqToit    = "Toit panoramique"
	eqLED     = "Phares LED"
	eqMains   = "Accès et démarrage mains libres"
	eqBT      = "Bluetooth"
	eqAttelag = "Attelage"
)

func demoCars() []demoCar {
	pub, sold, draft := garage.CarPublished, garage.CarSold, garage.CarDraft
	return []demoCar{
		{"Peugeot", "208", "1.2 PureTech 100 Allure", 16490, 2021, 6, 38500, "essence", "manuelle", "citadine", 100, 5, 5, 5, "Rouge Elixir", 0, "1", []string{eqClim, eqCarplay, eqRadar, eqReg, eqJantes}, pub},
		{"Renault", "Clio", "V 1.0 TCe 90 Zen", 13990, 2021, 3, 42000, "essence", "manuelle", "citadine", 90, 5, 5, 5, "Blanc Glacier", 1, "1", []string{eqClimM, eqBT, eqReg, eqGPS}, pub},
		{"Citroën", "C3", "1.2 PureTech 83 Shine", 11490, 2019, 9, 61000, "essence", "manuelle", "citadine", 83, 4, 5, 5, "Gris Platinium", 3, "1", []string{eqClim, eqCam, eqCarplay}, pub},
		{"Dacia", "Sandero", "Stepway TCe 90 Confort", 12990, 2022, 4, 24000, "essence", "manuelle", "citadine", 90, 5, 5, 5, "Orange Atacama", 7, "1", []string{eqClimM, eqCarplay, eqRadar}, pub},
		{"Volkswagen", "Polo", "1.0 TSI 95 Life", 15990, 2020, 11, 47000, "essence", "manuelle", "citadine", 95, 5, 5, 5, "Bleu Reef", 4, "1", []string{eqClim, eqCarplay, eqRegA, eqLED}, pub},
		{"Toyota", "Yaris", "Hybride 116h Design", 19490, 2022, 2, 28000, "hybride", "automatique", "citadine", 116, 5, 5, 5, "Noir Minuit", 2, "1", []string{eqClim, eqCam, eqCarplay, eqRegA}, pub},
		{"Peugeot", "2008", "1.5 BlueHDi 130 GT Line EAT8", 23990, 2020, 7, 56000, "diesel", "automatique", "suv", 130, 7, 5, 5, "Gris Artense", 3, "2", []string{eqClim, eqGPS, eqCam, eqToit, eqMains}, pub},
		{"Renault", "Captur", "E-Tech Plug-in 160 Intens", 24990, 2021, 10, 33000, "hybride-rechargeable", "automatique", "suv", 160, 4, 5, 5, "Blanc Nacré", 1, "1", []string{eqClim, eqGPS, eqCam, eqCarplay, eqSieges}, pub},
		{"Dacia", "Duster", "1.5 Blue dCi 115 4x4 Prestige", 18990, 2019, 5, 72000, "diesel", "manuelle", "suv", 115, 6, 5, 5, "Vert Kaki", 6, "2", []string{eqClim, eqGPS, eqCam, eqAttelag}, pub},
		{"Citroën", "C5 Aircross", "1.5 BlueHDi 130 Feel EAT8", 22490, 2020, 2, 68000, "diesel", "automatique", "suv", 130, 7, 5, 5, "Bleu Lazuli", 4, "2", []string{eqClim, eqCarplay, eqRadar, eqRegA}, pub},
		{"Peugeot", "3008", "1.6 Hybrid 225 GT e-EAT8", 29990, 2021, 4, 41000, "hybride-rechargeable", "automatique", "suv", 225, 9, 5, 5, "Noir Perla Nera", 2, "1", []string{eqClim, eqGPS, eqCam, eqCuir, eqSieges, eqMains, eqLED}, pub},
		{"Renault", "Mégane", "IV Estate 1.5 Blue dCi 115 Business", 14990, 2019, 12, 98000, "diesel", "manuelle", "break", 115, 6, 5, 5, "Gris Titanium", 3, "2", []string{eqClim, eqGPS, eqReg, eqRadar}, pub},
		{"Skoda", "Octavia", "Combi 2.0 TDI 150 Style DSG7", 24490, 2021, 8, 52000, "diesel", "automatique", "break", 150, 8, 5, 5, "Gris Quartz", 3, "2", []string{eqClim, eqGPS, eqCam, eqRegA, eqSieges}, pub},
		{"Volkswagen", "Golf", "VIII 1.5 eTSI 150 Style DSG7", 26990, 2021, 5, 35000, "essence", "automatique", "berline", 150, 8, 5, 5, "Blanc Pur", 1, "1", []string{eqClim, eqGPS, eqCarplay, eqRegA, eqLED}, pub},
		{"Tesla", "Model 3", "Standard Range Plus", 27990, 2021, 3, 61000, "electrique", "automatique", "berline", 325, 3, 4, 5, "Bleu Outremer", 4, "0", []string{eqClim, eqGPS, eqCam, eqToit, eqSieges, eqRegA}, pub},
		{"Renault", "Zoe", "R110 Zen (batterie achetée)", 12490, 2020, 6, 39000, "electrique", "automatique", "citadine", 108, 1, 5, 5, "Blanc Glacier", 1, "0", []string{eqClim, eqGPS, eqRadar}, pub},
		{"Peugeot", "e-208", "136 ch Allure", 18990, 2021, 9, 27000, "electrique", "automatique", "citadine", 136, 1, 5, 5, "Jaune Faro", 7, "0", []string{eqClim, eqCarplay, eqCam}, pub},
		{"Toyota", "C-HR", "122h Edition", 21990, 2019, 4, 64000, "hybride", "automatique", "suv", 122, 5, 5, 5, "Rouge Métal", 0, "1", []string{eqClim, eqGPS, eqCam, eqRegA}, pub},
		{"Fiat", "500", "1.0 Hybrid 70 Dolcevita", 12990, 2021, 7, 23000, "hybride", "manuelle", "citadine", 70, 4, 3, 4, "Vert Rugiada", 6, "1", []string{eqClimM, eqCarplay, eqToit}, pub},
		{"Opel", "Corsa", "1.3 CDTI 75 ch Diesel Enjoy", 5990, 2014, 3, 128000, "diesel", "manuelle", "citadine", 75, 4, 5, 5, "Rouge Flamme", 0, "3", []string{eqClimM, eqBT}, pub},
		{"Ford", "Fiesta", "1.0 EcoBoost 100 Titanium", 9990, 2018, 5, 79000, "essence", "manuelle", "citadine", 100, 5, 5, 5, "Gris Magnétique", 3, "1", []string{eqClim, eqBT, eqReg}, pub},
		{"Citroën", "Berlingo", "1.5 BlueHDi 100 Feel M", 17490, 2020, 3, 74000, "diesel", "manuelle", "monospace", 100, 5, 5, 5, "Blanc Banquise", 1, "2", []string{eqClimM, eqRadar, eqReg, eqAttelag}, pub},
		{"Renault", "Kangoo", "Van 1.5 dCi 95 Grand Confort", 13990, 2019, 10, 88000, "diesel", "manuelle", "utilitaire", 95, 5, 4, 2, "Blanc Minéral", 1, "2", []string{eqClimM, eqRadar, eqAttelag}, pub},
		{"BMW", "Série 1", "118i 140 M Sport DKG7", 25990, 2020, 11, 46000, "essence", "automatique", "berline", 140, 7, 5, 5, "Noir Saphir", 2, "1", []string{eqClim, eqGPS, eqCam, eqCuir, eqLED}, pub},
		{"Audi", "A3", "Sportback 35 TFSI 150 S tronic", 27490, 2021, 2, 39000, "essence", "automatique", "berline", 150, 8, 5, 5, "Gris Daytona", 3, "1", []string{eqClim, eqGPS, eqRegA, eqLED, eqSieges}, pub},
		{"Mercedes-Benz", "Classe A", "180 d 116 Progressive Line 7G-DCT", 24990, 2019, 6, 71000, "diesel", "automatique", "berline", 116, 6, 5, 5, "Argent Iridium", 3, "2", []string{eqClim, eqGPS, eqCam, eqCarplay}, pub},
		{"Peugeot", "308", "SW 1.5 BlueHDi 130 Allure", 15990, 2019, 1, 92000, "diesel", "manuelle", "break", 130, 7, 5, 5, "Bleu Magnetic", 4, "2", []string{eqClim, eqGPS, eqRadar}, sold},
		{"Renault", "Twingo", "III SCe 65 Life", 7490, 2017, 4, 54000, "essence", "manuelle", "citadine", 65, 4, 5, 4, "Orange Valencia", 7, "1", []string{eqClimM, eqBT}, sold},
		{"Mazda", "MX-5", "RF 2.0 Skyactiv-G 184 Sélection", 27990, 2020, 5, 31000, "essence", "manuelle", "cabriolet", 184, 10, 2, 2, "Gris Machine", 3, "1", []string{eqClim, eqGPS, eqCuir, eqSieges, eqLED}, pub},
		{"Dacia", "Spring", "Confort Plus", 11990, 2022, 11, 12000, "electrique", "automatique", "citadine", 44, 1, 5, 4, "Blanc", 1, "0", []string{eqClimM, eqGPS}, draft},
		{"Hyundai", "Tucson", "1.6 T-GDI 230 Hybrid Executive", 0, 2021, 0, 0, "hybride", "automatique", "suv", 230, 9, 5, 5, "Gris Shadow", 3, "", []string{eqClim, eqGPS, eqCam}, draft},
	}
}

// seedDemoCars adds the demo catalogue, with photos drawn by the program
// itself and run through the real photo processor, when the database has no
// car yet.
func seedDemoCars(ctx context.Context, s *store.Store, photos photostore.Store, now time.Time) error {
	counts, err := s.CountCarsByStatus(ctx)
	if err != nil {
		return err
	}
	for _, n := range counts {
		if n > 0 {
			return nil
		}
	}
	pictures, err := cachedDemoPictures(ctx)
	if err != nil {
		return err
	}
	for i, d := range demoCars() {
		published := now.Add(-time.Duration(len(demoCars())-i) * 26 * time.Hour)
		c := &garage.Car{Make: d.make, Model: d.model, Version: d.version, Price: d.price, RegYear: d.year, RegMonth: d.month,
			Mileage: d.km, Fuel: d.fuel, Gearbox: d.gearbox, BodyType: d.body, PowerHP: d.hp, FiscalHP: d.cv, Doors: d.doors,
			Seats: d.seats, Colour: d.colour, CritAir: d.critAir, Status: d.status,
			Description: fmt.Sprintf("%s %s %s de %d, %s. Véhicule révisé et contrôlé par l'atelier, "+
				"carnet d'entretien à jour, garantie 6 mois pièces et main-d'œuvre. Reprise possible de votre véhicule.",
				d.make, d.model, d.version, d.year, d.colour)}
		if d.year > 0 && now.Year()-d.year >= 4 {
			c.CTDate = now.AddDate(0, -2, -i%20).Format("2006-01-02")
		}
		if d.status != garage.CarDraft {
			c.PublishedAt = published
		}
		if d.status == garage.CarSold {
			c.SoldAt = now.Add(-time.Duration(3+i%5) * 24 * time.Hour)
		}
		if err := s.CreateCar(ctx, c, &garage.CarEquipment{NewNames: d.equipment}, published, garage.Actor{}); err != nil {
			return err
		}
		var rows []*garage.CarPhoto
		for _, res := range pictures[demoPictureKey{demoShape(d), d.paint}] {
			key := photostore.NewKey("cars")
			for _, v := range res.Variants {
				if err := photos.Put(ctx, photostore.VariantKey(key, v.Size), v.Data, v.ContentType); err != nil {
					return err
				}
			}
			rows = append(rows, &garage.CarPhoto{Key: key, Width: res.Width, Height: res.Height})
		}
		if err := s.AddCarPhotos(ctx, c.ID, rows, published, garage.Actor{}); err != nil {
			return err
		}
	}
	return nil
}

// demoPictureCache keeps the drawn and processed pictures for the life of
// the process: they depend on the code only, and drawing them is the
// slowest part of a demo seed (seconds; minutes under the race detector,
// where several tests seed a demo at once).
var demoPictureCache struct {
	sync.Mutex
	pictures map[demoPictureKey][]*photo.Result
}

// cachedDemoPictures returns demoPictures, drawn once per process; callers
// only read the results.
func cachedDemoPictures(ctx context.Context) (map[demoPictureKey][]*photo.Result, error) {
	demoPictureCache.Lock()
	defer demoPictureCache.Unlock()
	if demoPictureCache.pictures == nil {
		p, err := demoPictures(ctx)
		if err != nil {
			return nil, err
		}
		demoPictureCache.pictures = p
	}
	return demoPictureCache.pictures, nil
}

// demoPictureKey names a drawn car: its body shape and paint.
type demoPictureKey struct {
	shape string
	paint int
}

// demoPictures draws every (body, paint) pair the catalogue uses from every
// angle, and runs each picture through the photo processor, two at a time.
// The interior depends on the paint only, so it is drawn once per paint.
// Cars of the same body and paint share the processed sizes (each car still
// gets its own keys and files).
func demoPictures(ctx context.Context) (map[demoPictureKey][]*photo.Result, error) {
	bodies := demoBodies()
	type job struct {
		key   demoPictureKey
		angle demoAngle
	}
	jobOf := func(k demoPictureKey, a demoAngle) job {
		if a == angleInterior {
			k.shape = ""
		}
		return job{k, a}
	}
	var jobs []job
	done := map[job]*photo.Result{}
	out := map[demoPictureKey][]*photo.Result{}
	for _, d := range demoCars() {
		k := demoPictureKey{demoShape(d), d.paint}
		if _, ok := out[k]; ok {
			continue
		}
		out[k] = nil
		for a := range demoAngleCount {
			if j := jobOf(k, a); !hasJob(done, j) {
				done[j] = nil
				jobs = append(jobs, j)
			}
		}
	}
	proc := photo.NewProcessor(photo.DefaultLimits(), 2)
	results := make([]*photo.Result, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			face, err := demoMarkFace(17)
			for i := range next {
				if err != nil {
					errs[i] = err
					continue
				}
				j := jobs[i]
				var b bytes.Buffer
				img := drawDemoPhoto(800, 600, bodies[j.key.shape], demoPaints[j.key.paint], j.angle, face)
				if errs[i] = jpeg.Encode(&b, img, &jpeg.Options{Quality: 88}); errs[i] != nil {
					continue
				}
				results[i], errs[i] = proc.Process(ctx, &b)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("demo photos: %w", err)
	}
	for i, j := range jobs {
		done[j] = results[i]
	}
	for k := range out {
		for a := range demoAngleCount {
			out[k] = append(out[k], done[jobOf(k, a)])
		}
	}
	return out, nil
}

func hasJob[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
