//! A QR code drawn with the painter: one rectangle per dark module on a light square with the
//! four-module quiet zone scanners need, dark on light whatever the theme (an inverted code
//! does not scan everywhere). Screen readers get the text it holds.

use egui::{Color32, Rect, Sense, Ui, Vec2, pos2, vec2};
use qrcode::{Color, QrCode};

/// The margin around the code, in modules (ISO/IEC 18004 asks for four).
const QUIET_ZONE: usize = 4;

/// Draws `text` as a QR code about `side` points square; a text too long for any QR code is
/// said in words instead.
pub fn show(ui: &mut Ui, text: &str, side: f32) {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        ui.weak("(too long for a QR code)");
        return;
    };
    let width = code.width();
    let modules = width + 2 * QUIET_ZONE;
    // Whole pixels per module keep the edges sharp.
    let module = (side / modules as f32).floor().max(1.0);
    let size = module * modules as f32;
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Image, true, format!("QR code for {text}"))
    });
    if !ui.is_rect_visible(rect) {
        return;
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    let colors = code.to_colors();
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
        let min = rect.min + vec2(x as f32 * module, y as f32 * module);
        painter.rect_filled(
            Rect::from_min_size(pos2(min.x, min.y), Vec2::splat(module)),
            0.0,
            Color32::BLACK,
        );
    }
}
