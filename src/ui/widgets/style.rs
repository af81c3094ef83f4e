//! Colours, text sizes and the few small widgets every panel shares (chips, section titles).
//! Colours come in a light and a dark variant picked from the current visuals, so both themes
//! keep their contrast on a projector.

use egui::{Color32, CornerRadius, FontFamily, FontId, Margin, Response, RichText, TextStyle, Ui};

use crate::token::CheckStatus;
use crate::token::lifetime::LifetimeState;

/// The window's type scale: every text size is one of these. egui rasterises each glyph once
/// per size (and per sub-pixel offset, up to four times), on the UI thread when it is first
/// drawn, so a size used in one place costs a set of glyphs of its own; in the first frame
/// that is start-up time (README, Performance).
pub mod size {
    /// egui's small text: captions, the tree's arrows.
    pub const SMALL: f32 = 11.5;
    /// Chips and the checklist's status badges.
    pub const CHIP: f32 = 12.5;
    /// Token text, JSON and code.
    pub const MONO: f32 = 13.0;
    pub const BODY: f32 = 14.0;
    /// Section titles, the toolbar's name, the first-run button.
    pub const TITLE: f32 = 17.0;
    /// A card's headline: the token's kind, an error's summary.
    pub const HEADING: f32 = 21.0;
    /// The countdown to expiry.
    pub const COUNTDOWN: f32 = 24.0;
    /// The first-run line.
    pub const HERO: f32 = 28.0;
    /// A device flow's user code, to be read off a shared screen and typed elsewhere.
    pub const USER_CODE: f32 = 40.0;
}

/// Sets text sizes and spacing for both themes: a little larger than egui's defaults, so a
/// screen share stays readable.
pub fn install(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(size::SMALL, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(size::BODY, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(size::BODY, FontFamily::Proportional),
            ),
            (
                TextStyle::Heading,
                FontId::new(size::HEADING, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(size::MONO, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
    });
    // egui's weak text is the text colour at 60 % alpha, about 2.7:1 on the dark panel: too
    // faint for hints on a projector. These are 5:1 or better on either panel.
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.weak_text_color = Some(Color32::from_gray(0x95));
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.weak_text_color = Some(Color32::from_gray(0x62));
    });
}

fn pick(ui: &Ui, light: Color32, dark: Color32) -> Color32 {
    if ui.visuals().dark_mode { dark } else { light }
}

pub fn green(ui: &Ui) -> Color32 {
    pick(
        ui,
        Color32::from_rgb(0x1a, 0x7f, 0x37),
        Color32::from_rgb(0x4a, 0xc2, 0x6b),
    )
}

pub fn amber(ui: &Ui) -> Color32 {
    pick(
        ui,
        Color32::from_rgb(0xb2, 0x5e, 0x00),
        Color32::from_rgb(0xf0, 0xa8, 0x3c),
    )
}

pub fn red(ui: &Ui) -> Color32 {
    pick(
        ui,
        Color32::from_rgb(0xc4, 0x21, 0x2f),
        Color32::from_rgb(0xff, 0x6b, 0x6b),
    )
}

pub fn blue(ui: &Ui) -> Color32 {
    pick(
        ui,
        Color32::from_rgb(0x1f, 0x5f, 0xbf),
        Color32::from_rgb(0x6c, 0xa8, 0xff),
    )
}

pub fn purple(ui: &Ui) -> Color32 {
    pick(
        ui,
        Color32::from_rgb(0x7a, 0x3e, 0xc8),
        Color32::from_rgb(0xc3, 0x8b, 0xff),
    )
}

pub fn grey(ui: &Ui) -> Color32 {
    ui.visuals().weak_text_color()
}

/// The colour of a lifetime state, used by the badge, the countdown and the bar.
pub fn lifetime(ui: &Ui, state: LifetimeState) -> Color32 {
    match state {
        LifetimeState::Valid => green(ui),
        LifetimeState::Expiring => amber(ui),
        LifetimeState::Expired | LifetimeState::Invalid => red(ui),
        LifetimeState::NotYetValid => blue(ui),
        LifetimeState::NoExpiry | LifetimeState::Unknown => grey(ui),
    }
}

/// The colour of a check's mark.
pub fn check(ui: &Ui, status: CheckStatus) -> Color32 {
    match status {
        CheckStatus::Pass => green(ui),
        CheckStatus::Fail => red(ui),
        CheckStatus::Warn => amber(ui),
        CheckStatus::Info => blue(ui),
    }
}

/// What a piece of JSON text is, for syntax colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Key,
    String,
    Number,
    Literal,
    Punctuation,
    Comment,
}

pub fn syntax(ui: &Ui, kind: Syntax) -> Color32 {
    match kind {
        Syntax::Key => blue(ui),
        Syntax::String => green(ui),
        Syntax::Number => amber(ui),
        Syntax::Literal => purple(ui),
        Syntax::Punctuation => ui.visuals().text_color(),
        Syntax::Comment => grey(ui),
    }
}

/// The colours of a compact token's segments, as jwt.io taught everyone to read them:
/// header red, payload purple, signature blue.
pub fn segment(ui: &Ui, index: usize) -> Color32 {
    match index {
        0 => pick(
            ui,
            Color32::from_rgb(0xd0, 0x02, 0x4a),
            Color32::from_rgb(0xff, 0x4f, 0x8b),
        ),
        1 => pick(
            ui,
            Color32::from_rgb(0x9b, 0x1f, 0xc4),
            Color32::from_rgb(0xd6, 0x7a, 0xff),
        ),
        2 => pick(
            ui,
            Color32::from_rgb(0x00, 0x7c, 0xb0),
            Color32::from_rgb(0x3c, 0xc8, 0xf5),
        ),
        _ => grey(ui),
    }
}

/// A small rounded label with a tinted background: kinds, algorithms, `aud` and `scope` items.
pub fn chip(ui: &mut Ui, text: impl Into<String>, color: Color32) -> Response {
    // Sized before it is placed, so a wrapping row moves a whole chip to the next line instead
    // of squeezing its text into a column one letter wide.
    let padding = egui::vec2(7.0, 2.0);
    let font = FontId::proportional(size::CHIP);
    let widest = (ui.max_rect().width() - 2.0 * padding.x).max(40.0);
    let galley = ui.painter().layout(text.into(), font, color, widest);
    let (rect, response) =
        ui.allocate_exact_size(galley.size() + 2.0 * padding, egui::Sense::click());
    if ui.is_rect_visible(rect) {
        ui.painter().rect(
            rect,
            CornerRadius::same(9),
            color.gamma_multiply(0.14),
            egui::Stroke::new(1.0, color.gamma_multiply(0.55)),
            egui::StrokeKind::Inside,
        );
        ui.painter()
            .galley(rect.min + padding, galley.clone(), color);
    }
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, galley.text()));
    response
}

/// A panel's frame without its fill: the window is cleared to the panel colour already
/// (`App::clear_color`), and painting a second full-window layer doubles the pixels a
/// software renderer shades on every countdown tick.
pub fn panel(ui: &Ui) -> egui::Frame {
    egui::Frame::side_top_panel(ui.style()).fill(Color32::TRANSPARENT)
}

/// The central panel's frame, without its fill (see [`panel`]).
pub fn central(ui: &Ui) -> egui::Frame {
    egui::Frame::central_panel(ui.style()).fill(Color32::TRANSPARENT)
}

/// A section title inside a panel.
pub fn section(ui: &mut Ui, text: &str) -> Response {
    ui.label(RichText::new(text).strong().size(size::TITLE))
}

/// The frame of a card: the header strip and the side panel's groups.
pub fn card(ui: &Ui) -> egui::Frame {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(CornerRadius::same(8))
        .inner_margin(Margin::same(12))
}

/// A text field's placeholder: italic and fainter than any value, so an empty field never
/// looks filled in (egui's default is the weak text colour, which this app makes strong
/// enough for hints on a projector).
pub fn placeholder(ui: &Ui, text: &str) -> RichText {
    let color = pick(ui, Color32::from_gray(0x8c), Color32::from_gray(0x78));
    RichText::new(text).italics().color(color)
}

/// A hint line: what to do about a failure or a warning.
pub fn hint(ui: &mut Ui, hint: &str) {
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        ui.label(RichText::new("→").monospace().color(grey(ui)));
        ui.add(egui::Label::new(RichText::new(hint).color(grey(ui))).wrap());
    });
}

/// Text from a token as it may be drawn: bidi and zero-width characters written as `\u202e`,
/// so a claim cannot reorder or hide what is shown around it.
#[must_use]
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    crate::token::text::escape_format_chars(text)
}

/// Cuts `text` to `max` characters for display, saying how much was left out.
#[must_use]
pub fn truncate(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((cut, _)) => format!(
            "{}… ({} more characters)",
            &text[..cut],
            text[cut..].chars().count()
        )
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncation_says_what_is_missing() {
        assert_eq!(truncate("abcdef", 10), "abcdef");
        assert_eq!(truncate("abcdef", 2), "ab… (4 more characters)");
    }
}
