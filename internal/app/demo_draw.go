package app

import (
	"image"
	"image/color"
	"math"
	"sort"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The demo's car photos are drawn here: a simple 3D model of each body type
// (a side profile extruded across the car's width, with a narrower
// greenhouse), seen from a few angles in front of a garage, plus an
// interior close-up. Everything is drawn with image/draw and
// x/image/vector; nothing is fetched.

// demoAngle is one of the pictures of a demo car.
type demoAngle int

const (
	angleFront    demoAngle = iota // three-quarter front
	angleSide                      // side
	angleRear                      // three-quarter rear
	angleInterior                  // dashboard, steering wheel and seats
	demoAngleCount
)

// demoBody is the shape of a body type, in metres. The profile runs from
// the rear (x = 0) to the front (x = length), y up.
type demoBody struct {
	length, width, height float64
	clearance             float64 // underside above the ground
	bonnetH, beltH        float64 // top of the nose, bottom of the side windows
	bonnetLen, rake       float64 // nose to windscreen base; windscreen's run
	roofRear              float64 // x where the roof ends
	tailX, tailH          float64 // bottom of the rear window / top of the boot
	wheelR                float64
	rearAxle, frontAxle   float64 // x of the wheel centres
	tumble                float64 // greenhouse inset at the roof, each side
	doors                 int     // 3 or 5 (2 for a van's cab)
	van                   bool    // no rear side windows, no rear window
	softTop               bool    // dark fabric roof
	rails                 bool    // roof rails
}

// demoBodies are the drawn body types, by the name demoShape returns.
func demoBodies() map[string]demoBody {
	return map[string]demoBody{
		"citadine": {length: 3.95, width: 1.75, height: 1.46, clearance: 0.15, bonnetH: 0.86, beltH: 0.98,
			bonnetLen: 0.78, rake: 0.72, roofRear: 0.42, tailX: 0.1, tailH: 1.0, wheelR: 0.31,
			rearAxle: 0.62, frontAxle: 3.2, tumble: 0.12, doors: 5},
		"citadine3": {length: 3.6, width: 1.68, height: 1.49, clearance: 0.14, bonnetH: 0.88, beltH: 1.0,
			bonnetLen: 0.62, rake: 0.7, roofRear: 0.36, tailX: 0.08, tailH: 1.02, wheelR: 0.3,
			rearAxle: 0.52, frontAxle: 2.87, tumble: 0.13, doors: 3},
		"compacte": {length: 4.3, width: 1.8, height: 1.45, clearance: 0.14, bonnetH: 0.88, beltH: 0.99,
			bonnetLen: 0.95, rake: 0.78, roofRear: 0.5, tailX: 0.12, tailH: 1.0, wheelR: 0.33,
			rearAxle: 0.7, frontAxle: 3.35, tumble: 0.12, doors: 5},
		"berline": {length: 4.7, width: 1.85, height: 1.44, clearance: 0.14, bonnetH: 0.86, beltH: 0.98,
			bonnetLen: 1.05, rake: 0.85, roofRear: 1.25, tailX: 0.62, tailH: 1.02, wheelR: 0.34,
			rearAxle: 0.9, frontAxle: 3.75, tumble: 0.13, doors: 5},
		"break": {length: 4.65, width: 1.82, height: 1.49, clearance: 0.15, bonnetH: 0.88, beltH: 1.0,
			bonnetLen: 1.0, rake: 0.8, roofRear: 0.2, tailX: 0.05, tailH: 1.02, wheelR: 0.33,
			rearAxle: 0.9, frontAxle: 3.6, tumble: 0.11, doors: 5, rails: true},
		"suv": {length: 4.45, width: 1.86, height: 1.66, clearance: 0.22, bonnetH: 1.02, beltH: 1.12,
			bonnetLen: 0.98, rake: 0.68, roofRear: 0.3, tailX: 0.1, tailH: 1.14, wheelR: 0.37,
			rearAxle: 0.78, frontAxle: 3.45, tumble: 0.1, doors: 5, rails: true},
		"monospace": {length: 4.4, width: 1.85, height: 1.82, clearance: 0.18, bonnetH: 0.98, beltH: 1.08,
			bonnetLen: 0.72, rake: 0.82, roofRear: 0.08, tailX: 0.03, tailH: 1.1, wheelR: 0.33,
			rearAxle: 0.78, frontAxle: 3.5, tumble: 0.07, doors: 5, rails: true},
		"utilitaire": {length: 4.3, width: 1.83, height: 1.84, clearance: 0.18, bonnetH: 0.98, beltH: 1.08,
			bonnetLen: 0.72, rake: 0.82, roofRear: 0.06, tailX: 0.02, tailH: 1.1, wheelR: 0.33,
			rearAxle: 0.72, frontAxle: 3.4, tumble: 0.05, doors: 2, van: true},
		"coupe": {length: 4.0, width: 1.74, height: 1.24, clearance: 0.12, bonnetH: 0.78, beltH: 0.88,
			bonnetLen: 1.35, rake: 0.55, roofRear: 1.15, tailX: 0.5, tailH: 0.92, wheelR: 0.32,
			rearAxle: 0.72, frontAxle: 3.1, tumble: 0.12, doors: 3, softTop: true},
	}
}

// demoShape is the drawn body type of a demo car.
func demoShape(d demoCar) string {
	switch {
	case d.doors <= 3 && d.body == "citadine":
		return "citadine3"
	case d.body == "berline" && d.make != "Tesla":
		return "compacte" // the Golf, the A3, the Série 1, the Classe A
	case d.body == "cabriolet" || d.body == "coupe":
		return "coupe"
	case d.body == "suv", d.body == "break", d.body == "monospace", d.body == "utilitaire", d.body == "berline":
		return d.body
	}
	return "citadine"
}

type pt struct{ x, y float64 }
type vec3 struct{ x, y, z float64 }

// camera projects the car's 3D points: yaw turns the car (0: its left side
// faces the camera, front to the right), pitch lifts the eye.
type camera struct {
	yaw, pitch float64
	scale      float64
	ox, oy     float64 // screen position of the origin
}

func (c camera) toCam() vec3 {
	return vec3{math.Sin(c.yaw) * math.Cos(c.pitch), math.Sin(c.pitch), -math.Cos(c.yaw) * math.Cos(c.pitch)}
}

// raw returns the screen position before scaling, and the depth (larger is
// farther).
func (c camera) raw(p vec3) (float64, float64, float64) {
	x := p.x*math.Cos(c.yaw) + p.z*math.Sin(c.yaw)
	depth := -p.x*math.Sin(c.yaw) + p.z*math.Cos(c.yaw)
	up := p.y*math.Cos(c.pitch) + depth*math.Sin(c.pitch)
	return x, up, depth*math.Cos(c.pitch) - p.y*math.Sin(c.pitch)
}

func (c camera) project(p vec3) pt {
	x, up, _ := c.raw(p)
	return pt{c.ox + x*c.scale, c.oy - up*c.scale}
}

// canvas draws anti-aliased polygons on an RGBA picture.
type canvas struct {
	img *image.RGBA
	r   *vector.Rasterizer
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), r: vector.NewRasterizer(w, h)}
}

func (c *canvas) poly(col color.Color, pts []pt) {
	if len(pts) >= 3 {
		c.paths(col, pts)
	}
}

// paths fills the paths (holes wound the other way) through the rasterizer,
// over their bounding box only.
func (c *canvas) paths(col color.Color, paths ...[]pt) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, path := range paths {
		for _, p := range path {
			minX, minY = math.Min(minX, p.x), math.Min(minY, p.y)
			maxX, maxY = math.Max(maxX, p.x), math.Max(maxY, p.y)
		}
	}
	box := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(c.img.Bounds())
	if box.Empty() {
		return
	}
	c.r.Reset(box.Dx(), box.Dy())
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, path := range paths {
		c.r.MoveTo(float32(path[0].x-ox), float32(path[0].y-oy))
		for _, p := range path[1:] {
			c.r.LineTo(float32(p.x-ox), float32(p.y-oy))
		}
		c.r.ClosePath()
	}
	c.r.Draw(c.img, box, image.NewUniform(col), image.Point{})
}

func (c *canvas) rect(col color.Color, x0, y0, x1, y1 float64) {
	c.poly(col, []pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
}

func ellipse(cx, cy, rx, ry float64) []pt {
	out := make([]pt, 48)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(len(out))
		out[i] = pt{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return out
}

// line draws a segment of the given width.
func (c *canvas) line(col color.Color, a, b pt, w float64) {
	dx, dy := b.x-a.x, b.y-a.y
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	nx, ny := -dy/n*w/2, dx/n*w/2
	c.poly(col, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
}

// vgrad fills the rows [y0, y1) with a vertical gradient.
func (c *canvas) vgrad(y0, y1 int, top, bottom color.RGBA) {
	w := c.img.Bounds().Dx()
	for y := max(y0, 0); y < min(y1, c.img.Bounds().Dy()); y++ {
		t := float64(y-y0) / float64(max(y1-y0, 1))
		col := mix(top, bottom, t)
		for x := range w {
			c.img.SetRGBA(x, y, col)
		}
	}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xFF}
}

func lit(c color.RGBA, f float64) color.RGBA {
	g := func(v uint8) uint8 {
		x := float64(v) * f
		if f > 1 { // lighter: towards white, so white paint still shows its light side
			x = float64(v) + (255-float64(v))*(f-1)
		}
		return uint8(math.Max(0, math.Min(255, x)))
	}
	return color.RGBA{g(c.R), g(c.G), g(c.B), 0xFF}
}

var (
	colGlass   = color.RGBA{0x2C, 0x3A, 0x4A, 0xFF}
	colTyre    = color.RGBA{0x1C, 0x1C, 0x1E, 0xFF}
	colRim     = color.RGBA{0xC4, 0xC8, 0xCE, 0xFF}
	colTrim    = color.RGBA{0x24, 0x25, 0x28, 0xFF}
	colLight   = color.RGBA{0xEE, 0xF2, 0xF6, 0xFF}
	colTail    = color.RGBA{0xB8, 0x1D, 0x24, 0xFF}
	colPlate   = color.RGBA{0xF7, 0xF7, 0xF5, 0xFF}
	colEUBlue  = color.RGBA{0x1E, 0x3F, 0x9A, 0xFF}
	colFabric  = color.RGBA{0x33, 0x33, 0x36, 0xFF}
	colShadowA = color.NRGBA{0, 0, 0, 0x70}
)

// drawDemoPhoto draws one picture of a car of the given body and paint.
func drawDemoPhoto(w, h int, body demoBody, paint color.RGBA, angle demoAngle, face font.Face) *image.RGBA {
	c := newCanvas(w, h)
	if angle == angleInterior {
		drawInterior(c, paint)
	} else {
		drawForecourt(c, angle)
		cam := camera{yaw: 0, pitch: 0.06}
		switch angle {
		case angleFront:
			cam = camera{yaw: 0.62, pitch: 0.17}
		case angleRear:
			cam = camera{yaw: -2.45, pitch: 0.17}
		}
		drawCar(c, body, paint, cam)
	}
	markIllustration(c, face)
	return c.img
}

// drawForecourt paints the sky, the garage's wall and the forecourt.
func drawForecourt(c *canvas, angle demoAngle) {
	w, h := float64(c.img.Bounds().Dx()), float64(c.img.Bounds().Dy())
	horizon := int(h * 0.6)
	c.vgrad(0, horizon, color.RGBA{0x7F, 0xB6, 0xE6, 0xFF}, color.RGBA{0xD6, 0xE8, 0xF5, 0xFF})
	c.vgrad(horizon, int(h), color.RGBA{0x8E, 0x90, 0x93, 0xFF}, color.RGBA{0x5E, 0x60, 0x64, 0xFF})
	// The workshop: a rendered wall, a sign band and roller shutters; it
	// slides with the angle so the pictures do not share a background.
	shift := map[demoAngle]float64{angleFront: -0.12, angleSide: 0, angleRear: 0.1}[angle] * w
	top := h * 0.2
	c.rect(color.RGBA{0xE9, 0xDF, 0xCC, 0xFF}, -10, top, w+10, float64(horizon))
	c.rect(color.RGBA{0xC9, 0xBE, 0xAA, 0xFF}, -10, top, w+10, top+h*0.012)
	c.rect(color.RGBA{0x1F, 0x3A, 0x5F, 0xFF}, w*0.06+shift, top+h*0.04, w*0.94+shift, top+h*0.1)
	c.rect(color.RGBA{0xF2, 0xB8, 0x3A, 0xFF}, w*0.06+shift, top+h*0.1, w*0.94+shift, top+h*0.108)
	for i := range 3 {
		x0 := w*(0.04+0.34*float64(i)) + shift
		c.rect(color.RGBA{0x9A, 0x9E, 0xA3, 0xFF}, x0, top+h*0.14, x0+w*0.26, float64(horizon))
		for y := top + h*0.15; y < float64(horizon); y += h * 0.018 {
			c.rect(color.RGBA{0x86, 0x8A, 0x8F, 0xFF}, x0, y, x0+w*0.26, y+h*0.004)
		}
	}
	c.rect(color.RGBA{0xB8, 0xB6, 0xB0, 0xFF}, -10, float64(horizon), w+10, float64(horizon)+h*0.015)
	// Parking lines on the forecourt.
	for i := -2; i < 5; i++ {
		x := w*0.25*float64(i) + shift*0.5
		c.poly(color.RGBA{0xE8, 0xE8, 0xE2, 0xFF}, []pt{{x + w*0.2, float64(horizon) + h*0.03}, {x + w*0.21, float64(horizon) + h*0.03},
			{x - w*0.05, h}, {x - w*0.08, h}})
	}
}

// profile returns the body's side outline, counter-clockwise from the
// bottom rear. Its edges: 0 underside, 1 front bumper, 2 nose, 3 bonnet,
// 4 windscreen, 5 roof, 6 rear window, 7 boot, 8 tail, 9 rear bumper.
func (b demoBody) profile() []pt {
	L, c := b.length, b.clearance
	return []pt{
		{0.04, c}, {L - 0.06, c}, {L, c + 0.22}, {L - 0.07, b.bonnetH},
		{L - b.bonnetLen, b.bonnetH + 0.07}, {L - b.bonnetLen - b.rake, b.height},
		{b.roofRear, b.height}, {b.tailX, b.tailH}, {0.015, b.tailH - 0.05}, {0, c + 0.22},
	}
}

// inset is how far the body side is from the car's side at height y.
func (b demoBody) inset(y float64) float64 {
	if y <= b.beltH {
		return 0
	}
	return b.tumble * math.Min(1, (y-b.beltH)/(b.height-b.beltH))
}

// on3D places a profile point on one side of the car (side 0: z = 0,
// side 1: z = width).
func (b demoBody) on3D(p pt, side int, out float64) vec3 {
	z := b.inset(p.y) - out
	if side == 1 {
		z = b.width - z
	}
	return vec3{p.x, p.y, z}
}

type face3 struct {
	pts   []vec3
	col   color.RGBA
	depth float64
}

func drawCar(c *canvas, b demoBody, paint color.RGBA, cam camera) {
	w, h := float64(c.img.Bounds().Dx()), float64(c.img.Bounds().Dy())
	prof := b.profile()
	// Fit the car: 74 % of the width, wheels on the ground at 86 % of the height.
	minX, maxX, minY := math.Inf(1), math.Inf(-1), math.Inf(1)
	for _, p := range prof {
		for side := range 2 {
			x, up, _ := cam.raw(b.on3D(p, side, 0))
			minX, maxX = math.Min(minX, x), math.Max(maxX, x)
			_ = up
		}
	}
	for _, x := range []float64{0, b.length} {
		for _, z := range []float64{0, b.width} {
			_, up, _ := cam.raw(vec3{x, 0, z})
			minY = math.Min(minY, up)
		}
	}
	cam.scale = math.Min(w*0.82/(maxX-minX), h*0.62/b.height/1.2)
	cam.ox = w/2 - (minX+maxX)/2*cam.scale
	cam.oy = h*0.88 + minY*cam.scale
	toCam := cam.toCam()
	light := norm(vec3{0.35, 0.85, -0.45})
	visible := func(n vec3) bool { return dot(n, toCam) > 1e-3 }
	shadeOf := func(n vec3, col color.RGBA) color.RGBA {
		return lit(col, 0.62+0.5*math.Max(0, dot(norm(n), light)))
	}
	proj := func(ps []vec3) []pt {
		out := make([]pt, len(ps))
		for i, p := range ps {
			out[i] = cam.project(p)
		}
		return out
	}
	depth := func(ps []vec3) float64 {
		d := 0.0
		for _, p := range ps {
			_, _, z := cam.raw(p)
			d += z
		}
		return d / float64(len(ps))
	}
	// The visible side: the one facing the camera.
	near := 0
	if toCam.z > 0 {
		near = 1
	}
	sideN := vec3{0, 0, -1}
	if near == 1 {
		sideN = vec3{0, 0, 1}
	}
	// Shadow on the ground.
	var shadow []vec3
	for i := range 40 {
		a := 2 * math.Pi * float64(i) / 40
		shadow = append(shadow, vec3{b.length/2 + (b.length/2+0.15)*math.Cos(a), 0, b.width/2 + (b.width/2+0.18)*math.Sin(a)})
	}
	c.poly(colShadowA, proj(shadow))
	// Wheels of the hidden side first, then the body, then the visible side's.
	wheels := func(side int) {
		for _, x := range []float64{b.rearAxle, b.frontAxle} {
			drawWheel(c, cam, b, x, side)
		}
	}
	wheels(1 - near)
	var faces []face3
	for i := range prof {
		a, e := prof[i], prof[(i+1)%len(prof)]
		n := vec3{e.y - a.y, -(e.x - a.x), 0}
		quad := []vec3{b.on3D(a, 0, 0), b.on3D(e, 0, 0), b.on3D(e, 1, 0), b.on3D(a, 1, 0)}
		// The normal leans inwards where the greenhouse narrows.
		if !visible(n) && !(i == 5 && visible(vec3{0, 1, 0})) {
			continue
		}
		col := shadeOf(n, paint)
		switch {
		case i == 4 || (i == 6 && !b.van):
			col = lit(colGlass, 0.9+0.25*math.Max(0, dot(norm(n), light)))
		case i == 5 && b.softTop:
			col = colFabric
		case i == 0 || i == 1 || i == 9:
			col = shadeOf(n, lit(paint, 0.9))
		}
		faces = append(faces, face3{quad, col, depth(quad)})
	}
	sort.Slice(faces, func(i, j int) bool { return faces[i].depth > faces[j].depth })
	for _, f := range faces {
		c.poly(f.col, proj(f.pts))
	}
	// The visible side.
	var side []vec3
	for _, p := range prof {
		side = append(side, b.on3D(p, near, 0))
	}
	c.poly(shadeOf(sideN, paint), proj(side))
	onSide := func(ps ...pt) []pt {
		out := make([]vec3, len(ps))
		for i, p := range ps {
			out[i] = b.on3D(p, near, 0.004)
		}
		return proj(out)
	}
	// A darker sill and the bumpers' lower line.
	c.poly(lit(paint, 0.78), onSide(pt{0.04, b.clearance}, pt{b.length - 0.06, b.clearance},
		pt{b.length - 0.05, b.clearance + 0.08}, pt{0.03, b.clearance + 0.08}))
	if b.softTop {
		c.poly(colFabric, onSide(pt{b.length - b.bonnetLen - b.rake, b.height}, pt{b.roofRear, b.height},
			pt{b.tailX + 0.05, b.beltH + 0.02}, pt{b.length - b.bonnetLen - b.rake*0.4, b.beltH + 0.02}))
	}
	drawSideWindows(c, b, paint, onSide, sideN, shadeOf)
	// Wheel arches, then wheels.
	for _, x := range []float64{b.rearAxle, b.frontAxle} {
		var arch []pt
		for i := 0; i <= 24; i++ {
			a := math.Pi * float64(i) / 24
			y := b.wheelR + (b.wheelR+0.05)*math.Sin(a)
			arch = append(arch, pt{x + (b.wheelR+0.05)*math.Cos(a), math.Max(y, b.clearance)})
		}
		arch = append(arch, pt{x - b.wheelR - 0.05, b.clearance})
		c.poly(colTrim, onSide(arch...))
	}
	wheels(near)
	drawLamps(c, cam, b, prof, toCam)
	if b.rails {
		for _, z := range []float64{0.12, b.width - 0.12} {
			zz := z
			a := cam.project(vec3{b.roofRear + 0.1, b.height + 0.04, zz})
			e := cam.project(vec3{b.length - b.bonnetLen - b.rake + 0.15, b.height + 0.04, zz})
			c.line(colTrim, a, e, math.Max(2, cam.scale*0.03))
		}
	}
}

// drawSideWindows draws the side windows, pillars, door lines, handles and
// mirror on the visible side.
func drawSideWindows(c *canvas, b demoBody, paint color.RGBA, onSide func(...pt) []pt, sideN vec3, shadeOf func(vec3, color.RGBA) color.RGBA) {
	prof := b.profile()
	xAt := func(a, e pt, y float64) float64 {
		if e.y == a.y {
			return a.x
		}
		t := (y - a.y) / (e.y - a.y)
		return a.x + (e.x-a.x)*t
	}
	lo, hi := b.beltH+0.03, b.height-0.07
	front := func(y float64) float64 { return xAt(prof[4], prof[5], y) - 0.08 }
	rear := func(y float64) float64 {
		if b.van {
			return 0
		}
		return xAt(prof[6], prof[7], math.Max(y, b.tailH)) + 0.1
	}
	glass := lit(colGlass, 1.15)
	// B pillar between the doors: behind the front door.
	bX := front(lo) - 1.05
	if b.doors <= 3 {
		bX = front(lo) - 1.35
	}
	if b.van {
		bX = front(lo) - 0.95
	}
	frontWin := []pt{{front(lo), lo}, {front(hi), hi}, {math.Max(bX+0.04, rear(hi)), hi}, {bX + 0.04, lo}}
	if bX+0.04 < rear(hi) { // a short car: the window's rear edge follows the rear pillar
		frontWin = []pt{{front(lo), lo}, {front(hi), hi}, {rear(hi), hi}, {math.Max(bX+0.04, rear(lo)), lo}}
	}
	c.poly(glass, onSide(frontWin...))
	if !b.van && rear(lo) < bX-0.05 {
		c.poly(glass, onSide(pt{bX - 0.05, lo}, pt{bX - 0.05, hi}, pt{math.Max(rear(hi), 0.02), hi}, pt{rear(lo), lo}))
	}
	// A light reflection across the glass.
	c.poly(color.NRGBA{0xFF, 0xFF, 0xFF, 0x22}, onSide(pt{front(lo) - 0.25, lo}, pt{front(lo) - 0.05, lo},
		pt{front(hi) - 0.35, hi}, pt{front(hi) - 0.5, hi}))
	// Door lines and handles.
	dark := lit(paint, 0.55)
	doorFront := xAt(prof[3], prof[4], b.bonnetH) - 0.02
	lines := [][2]pt{{{doorFront, b.beltH}, {doorFront + 0.02, b.clearance + 0.1}}, {{bX, b.beltH}, {bX, b.clearance + 0.1}}}
	if b.doors > 3 && !b.van {
		rx := math.Max(b.rearAxle+b.wheelR+0.12, rear(lo)+0.05)
		lines = append(lines, [2]pt{{rx, b.beltH}, {rx, b.clearance + 0.1}})
		c.poly(dark, onSide(pt{bX - 0.3, b.beltH - 0.09}, pt{bX - 0.14, b.beltH - 0.09}, pt{bX - 0.14, b.beltH - 0.06}, pt{bX - 0.3, b.beltH - 0.06}))
	}
	if b.van { // the sliding door's rail and the back of the van
		lines = append(lines, [2]pt{{bX - 1.0, b.height - 0.1}, {bX - 1.0, b.clearance + 0.1}})
		c.poly(dark, onSide(pt{bX - 1.0, b.beltH + 0.06}, pt{0.1, b.beltH + 0.06}, pt{0.1, b.beltH + 0.08}, pt{bX - 1.0, b.beltH + 0.08}))
	}
	for _, l := range lines {
		ps := onSide(l[0], l[1])
		c.line(dark, ps[0], ps[1], 1.4)
	}
	c.poly(dark, onSide(pt{bX + 0.5, b.beltH - 0.09}, pt{bX + 0.66, b.beltH - 0.09}, pt{bX + 0.66, b.beltH - 0.06}, pt{bX + 0.5, b.beltH - 0.06}))
	// The mirror.
	mx := xAt(prof[4], prof[5], b.beltH+0.05) - 0.05
	c.poly(shadeOf(sideN, lit(paint, 0.92)), onSide(pt{mx, b.beltH + 0.02}, pt{mx - 0.2, b.beltH + 0.04}, pt{mx - 0.19, b.beltH + 0.15}, pt{mx - 0.02, b.beltH + 0.14}))
	// Belt trim.
	c.poly(colTrim, onSide(pt{front(lo) + 0.05, b.beltH}, pt{front(lo) + 0.05, lo}, pt{math.Max(rear(lo), 0.05), lo}, pt{math.Max(rear(lo), 0.05), b.beltH}))
}

// drawLamps draws the headlights, grille and plate on the nose, and the tail
// lights and plate at the back, when they face the camera.
func drawLamps(c *canvas, cam camera, b demoBody, prof []pt, toCam vec3) {
	on := func(i int, t0, t1, z0, z1 float64) []pt {
		a, e := prof[i], prof[(i+1)%len(prof)]
		p := func(t, z float64) pt {
			x, y := a.x+(e.x-a.x)*t, a.y+(e.y-a.y)*t
			in := b.inset(y)
			return cam.project(vec3{x, y, in + (b.width-2*in)*z})
		}
		return []pt{p(t0, z0), p(t1, z0), p(t1, z1), p(t0, z1)}
	}
	facing := func(i int) bool {
		a, e := prof[i], prof[(i+1)%len(prof)]
		return dot(vec3{e.y - a.y, -(e.x - a.x), 0}, toCam) > 1e-3
	}
	if facing(2) {
		c.poly(colTrim, on(2, 0.0, 0.55, 0.28, 0.72))                            // grille
		c.poly(colLight, on(2, 0.55, 0.95, 0.05, 0.27))                          // headlights
		c.poly(colLight, on(2, 0.55, 0.95, 0.73, 0.95))                          //
		c.poly(color.RGBA{0xF5, 0xA6, 0x23, 0xFF}, on(2, 0.55, 0.75, 0.05, 0.1)) // indicator
		c.poly(color.RGBA{0xF5, 0xA6, 0x23, 0xFF}, on(2, 0.55, 0.75, 0.9, 0.95))
	}
	if facing(1) {
		c.poly(colPlate, on(1, 0.2, 0.8, 0.38, 0.62))
		c.poly(colEUBlue, on(1, 0.2, 0.8, 0.38, 0.41))
		c.poly(colTrim, on(1, 0.8, 1, 0.15, 0.85))
	}
	if facing(8) {
		// Tail lights with a dark rim, so they show on a red car too.
		c.poly(colTrim, on(8, 0.0, 0.5, 0.02, 0.24))
		c.poly(colTrim, on(8, 0.0, 0.5, 0.76, 0.98))
		c.poly(colTail, on(8, 0.04, 0.45, 0.035, 0.225))
		c.poly(colTail, on(8, 0.04, 0.45, 0.775, 0.965))
		c.poly(color.RGBA{0xF2, 0x6B, 0x6B, 0xFF}, on(8, 0.08, 0.2, 0.05, 0.2))
		c.poly(color.RGBA{0xF2, 0x6B, 0x6B, 0xFF}, on(8, 0.08, 0.2, 0.8, 0.95))
		c.poly(colPlate, on(8, 0.55, 0.92, 0.38, 0.62))
		c.poly(colEUBlue, on(8, 0.55, 0.92, 0.38, 0.41))
		if b.van { // the back doors' split
			c.poly(colTrim, on(8, 0, 0.5, 0.498, 0.502))
		}
	}
	if facing(7) && b.van {
		c.poly(colTrim, on(7, 0, 1, 0.498, 0.502))
	}
	if facing(9) {
		c.poly(colTrim, on(9, 0.3, 1, 0.1, 0.9))
	}
}

// drawWheel draws a tyre with its rim on one side (0: z = 0).
func drawWheel(c *canvas, cam camera, b demoBody, x float64, side int) {
	r := b.wheelR
	disc := func(rad, z float64) []pt {
		out := make([]pt, 36)
		for i := range out {
			a := 2 * math.Pi * float64(i) / 36
			out[i] = cam.project(vec3{x + rad*math.Cos(a), r + rad*math.Sin(a), z})
		}
		return out
	}
	zOut, zIn := 0.02, 0.24
	if side == 1 {
		zOut, zIn = b.width-0.02, b.width-0.24
	}
	c.poly(colTyre, disc(r, zIn))
	// The tread between the two faces.
	for i := range 36 {
		a0, a1 := 2*math.Pi*float64(i)/36, 2*math.Pi*float64(i+1)/36
		q := []pt{
			cam.project(vec3{x + r*math.Cos(a0), r + r*math.Sin(a0), zOut}), cam.project(vec3{x + r*math.Cos(a1), r + r*math.Sin(a1), zOut}),
			cam.project(vec3{x + r*math.Cos(a1), r + r*math.Sin(a1), zIn}), cam.project(vec3{x + r*math.Cos(a0), r + r*math.Sin(a0), zIn}),
		}
		c.poly(colTyre, q)
	}
	c.poly(color.RGBA{0x2A, 0x2A, 0x2D, 0xFF}, disc(r, zOut))
	c.poly(colRim, disc(r*0.64, zOut))
	c.poly(color.RGBA{0x8C, 0x90, 0x96, 0xFF}, disc(r*0.5, zOut))
	// Five spokes.
	for i := range 5 {
		a := 2*math.Pi*float64(i)/5 + 0.3
		p0 := cam.project(vec3{x, r, zOut})
		p1 := cam.project(vec3{x + r*0.6*math.Cos(a), r + r*0.6*math.Sin(a), zOut})
		c.line(colRim, p0, p1, math.Max(2, cam.scale*r*0.22))
	}
	c.poly(color.RGBA{0x55, 0x58, 0x5E, 0xFF}, disc(r*0.14, zOut))
}

// drawInterior draws the cabin seen from the back seat: the windscreen
// onto the forecourt, the dashboard with a trim in the car's colour, the
// steering wheel, the screen and the front seats.
func drawInterior(c *canvas, paint color.RGBA) {
	w, h := float64(c.img.Bounds().Dx()), float64(c.img.Bounds().Dy())
	drawForecourt(c, angleSide)
	head := color.RGBA{0x4A, 0x4A, 0x4E, 0xFF}
	c.poly(color.RGBA{0xB9, 0xB5, 0xAE, 0xFF}, []pt{{0, 0}, {w, 0}, {w, h * 0.12}, {w * 0.8, h * 0.18}, {w * 0.2, h * 0.18}, {0, h * 0.12}}) // headliner
	c.poly(color.RGBA{0x8F, 0x8C, 0x87, 0xFF}, []pt{{w * 0.44, h * 0.17}, {w * 0.56, h * 0.17}, {w * 0.55, h * 0.24}, {w * 0.45, h * 0.24}}) // mirror
	c.poly(head, []pt{{0, h * 0.1}, {w * 0.2, h * 0.17}, {w * 0.08, h * 0.6}, {0, h * 0.62}})                                                // A pillars
	c.poly(head, []pt{{w, h * 0.1}, {w * 0.8, h * 0.17}, {w * 0.92, h * 0.6}, {w, h * 0.62}})
	dash := color.RGBA{0x2E, 0x30, 0x34, 0xFF}
	c.poly(dash, []pt{{0, h * 0.55}, {w * 0.25, h * 0.5}, {w * 0.75, h * 0.5}, {w, h * 0.55}, {w, h}, {0, h}})
	c.poly(paint, []pt{{0, h * 0.62}, {w, h * 0.62}, {w, h * 0.645}, {0, h * 0.645}}) // trim
	c.poly(lit(paint, 0.7), []pt{{0, h * 0.645}, {w, h * 0.645}, {w, h * 0.65}, {0, h * 0.65}})
	c.poly(color.RGBA{0x1B, 0x1C, 0x1F, 0xFF}, []pt{{w * 0.22, h * 0.5}, {w * 0.42, h * 0.5}, {w * 0.41, h * 0.58}, {w * 0.23, h * 0.58}})   // cluster hood
	c.poly(color.RGBA{0x10, 0x2A, 0x44, 0xFF}, []pt{{w * 0.46, h * 0.44}, {w * 0.62, h * 0.44}, {w * 0.62, h * 0.56}, {w * 0.46, h * 0.56}}) // screen
	c.rect(color.RGBA{0x3F, 0x8E, 0xD8, 0xFF}, w*0.475, h*0.46, w*0.53, h*0.54)
	c.rect(color.RGBA{0xDD, 0xE6, 0xEE, 0xFF}, w*0.54, h*0.465, w*0.605, h*0.48)
	c.rect(color.RGBA{0xDD, 0xE6, 0xEE, 0xFF}, w*0.54, h*0.49, w*0.59, h*0.5)
	c.rect(color.RGBA{0x6F, 0xC0, 0x7E, 0xFF}, w*0.54, h*0.515, w*0.575, h*0.53)
	for i := range 3 { // air vents
		x := w * (0.47 + 0.05*float64(i))
		c.rect(color.RGBA{0x17, 0x18, 0x1A, 0xFF}, x, h*0.58, x+w*0.04, h*0.61)
	}
	// Centre console and gear lever.
	c.poly(color.RGBA{0x25, 0x26, 0x29, 0xFF}, []pt{{w * 0.45, h * 0.66}, {w * 0.63, h * 0.66}, {w * 0.68, h}, {w * 0.4, h}})
	c.poly(color.RGBA{0x44, 0x46, 0x4B, 0xFF}, ellipse(w*0.54, h*0.8, w*0.03, h*0.035))
	// Steering wheel.
	cx, cy := w*0.32, h*0.66
	ring := color.RGBA{0x1A, 0x1A, 0x1C, 0xFF}
	outer, inner := ellipse(cx, cy, w*0.15, h*0.17), ellipse(cx, cy, w*0.125, h*0.145)
	c.paths(ring, outer, reversed(inner))
	c.line(ring, pt{cx - w*0.13, cy + h*0.02}, pt{cx + w*0.13, cy + h*0.02}, h*0.035)
	c.line(ring, pt{cx, cy + h*0.02}, pt{cx, cy + h*0.16}, h*0.035)
	c.poly(color.RGBA{0x2A, 0x2B, 0x2E, 0xFF}, ellipse(cx, cy+h*0.02, w*0.045, h*0.05))
	c.poly(color.RGBA{0xB0, 0xB4, 0xBA, 0xFF}, ellipse(cx, cy+h*0.02, w*0.012, h*0.014))
	// Front seat backs and headrests.
	seat := color.RGBA{0x3A, 0x3B, 0x40, 0xFF}
	for _, sx := range []float64{0.2, 0.8} {
		x := w * sx
		c.poly(seat, []pt{{x - w*0.17, h}, {x - w*0.15, h * 0.8}, {x - w*0.1, h * 0.74}, {x + w*0.1, h * 0.74}, {x + w*0.15, h * 0.8}, {x + w*0.17, h}})
		c.poly(lit(seat, 1.12), []pt{{x - w*0.08, h}, {x - w*0.07, h * 0.8}, {x + w*0.07, h * 0.8}, {x + w*0.08, h}})
		c.poly(seat, []pt{{x - w*0.07, h * 0.73}, {x - w*0.075, h * 0.62}, {x - w*0.05, h * 0.6}, {x + w*0.05, h * 0.6}, {x + w*0.075, h * 0.62}, {x + w*0.07, h * 0.73}})
		c.rect(color.RGBA{0x9A, 0x9C, 0xA0, 0xFF}, x-w*0.03, h*0.73, x-w*0.022, h*0.75)
		c.rect(color.RGBA{0x9A, 0x9C, 0xA0, 0xFF}, x+w*0.022, h*0.73, x+w*0.03, h*0.75)
	}
}

func reversed(ps []pt) []pt {
	out := make([]pt, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// markIllustration writes "Photo d'illustration" in the bottom right corner.
func markIllustration(c *canvas, face font.Face) {
	if face == nil {
		return
	}
	const label = "Photo d'illustration"
	b := c.img.Bounds()
	width := font.MeasureString(face, label).Ceil()
	m := face.Metrics()
	hgt := (m.Ascent + m.Descent).Ceil()
	x0, y0 := b.Dx()-width-22, b.Dy()-hgt-18
	c.rect(color.NRGBA{0, 0, 0, 0x88}, float64(x0-8), float64(y0-5), float64(x0+width+8), float64(y0+hgt+5))
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}), Face: face,
		Dot: fixed.P(x0, y0+m.Ascent.Ceil())}
	d.DrawString(label)
}

// demoMarkFace is the mark's type face. A face is not safe for concurrent
// use: each drawing goroutine makes its own.
func demoMarkFace(size float64) (font.Face, error) {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

func dot(a, b vec3) float64 { return a.x*b.x + a.y*b.y + a.z*b.z }

func norm(a vec3) vec3 {
	n := math.Sqrt(dot(a, a))
	if n == 0 {
		return a
	}
	return vec3{a.x / n, a.y / n, a.z / n}
}
