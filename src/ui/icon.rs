//! The window's icon, drawn in code: a lens over a token's three segments.
//!
//! Without an icon of its own the window would show eframe's default, which eframe decodes
//! from a 512×512 PNG at start-up and keeps (1 MB) for as long as the window is open.

/// Side of the icon in pixels; window managers scale it for the task bar and the switcher.
pub const SIDE: u32 = 64;

/// The icon's RGBA pixels.
#[must_use]
pub fn icon() -> egui::IconData {
    let side = SIDE as usize;
    let mut rgba = Vec::with_capacity(side * side * 4);
    for y in 0..side {
        for x in 0..side {
            // Pixel centres, in units of the icon's side.
            let (px, py) = (
                (x as f32 + 0.5) / SIDE as f32,
                (y as f32 + 0.5) / SIDE as f32,
            );
            rgba.extend_from_slice(&pixel(px, py));
        }
    }
    egui::IconData {
        rgba,
        width: SIDE,
        height: SIDE,
    }
}

const BACKGROUND: [f32; 3] = [0.06, 0.36, 0.45];
const SEGMENTS: [[f32; 3]; 3] = [[0.98, 0.55, 0.42], [0.73, 0.55, 0.98], [0.36, 0.85, 0.75]];
const LENS: [f32; 3] = [0.97, 0.97, 0.97];

/// One pixel: a rounded square, three bars (header, payload, signature) and a lens with its
/// handle, each edge smoothed over about one pixel.
fn pixel(x: f32, y: f32) -> [u8; 4] {
    let edge = 1.0 / SIDE as f32;
    let cover = |distance: f32| (0.5 - distance / edge).clamp(0.0, 1.0);
    let mut colour = BACKGROUND;
    let mut blend = |over: [f32; 3], amount: f32| {
        for (c, o) in colour.iter_mut().zip(over) {
            *c += (o - *c) * amount;
        }
    };
    for (row, segment) in SEGMENTS.iter().enumerate() {
        let top = 0.26 + row as f32 * 0.17;
        blend(
            *segment,
            cover(rounded_box(x - 0.42, y - top - 0.05, 0.26, 0.05, 0.04)),
        );
    }
    let (cx, cy, radius) = (0.58, 0.52, 0.2);
    let from_centre = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
    blend(LENS, cover((from_centre - radius).abs() - 0.045));
    let handle = segment_distance((x, y), (cx + 0.16, cy + 0.16), (0.86, 0.86));
    blend(LENS, cover(handle - 0.055));
    let alpha = cover(rounded_box(x - 0.5, y - 0.5, 0.47, 0.47, 0.16));
    let [r, g, b] = colour.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
    [r, g, b, (alpha * 255.0).round() as u8]
}

/// Signed distance from a point (relative to the box's centre) to a rounded box.
fn rounded_box(x: f32, y: f32, half_w: f32, half_h: f32, radius: f32) -> f32 {
    let qx = x.abs() - half_w + radius;
    let qy = y.abs() - half_h + radius;
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0) - radius
}

/// Distance from a point to the segment a–b.
fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (abx, aby) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * abx + (p.1 - a.1) * aby) / (abx * abx + aby * aby)).clamp(0.0, 1.0);
    ((p.0 - a.0 - t * abx).powi(2) + (p.1 - a.1 - t * aby).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_rounded_square_with_transparent_corners_and_an_opaque_middle() {
        let icon = icon();
        assert_eq!(icon.rgba.len(), (SIDE * SIDE * 4) as usize);
        let alpha = |x: u32, y: u32| icon.rgba[((y * SIDE + x) * 4 + 3) as usize];
        assert_eq!(alpha(0, 0), 0, "corner");
        assert_eq!(alpha(SIDE - 1, SIDE - 1), 0, "corner");
        assert_eq!(alpha(SIDE / 2, SIDE / 2), 255, "middle");
        // More than the background colour: the bars and the lens are drawn.
        let colours: std::collections::HashSet<_> = icon
            .rgba
            .chunks(4)
            .filter(|p| p[3] == 255)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        assert!(colours.len() > 20, "{} colours", colours.len());
    }
}
