//! A text field's buffer over a [`Sensitive`], so a typed secret or key lives in the one
//! redacting wrapper from the first keystroke (no plain `String` copy sits in the state).

use std::ops::Range;

use egui::TextBuffer;
use egui::text::CharIndex;

use crate::sensitive::Sensitive;

/// Borrow a `Sensitive` as an editable text buffer: `TextEdit::singleline(&mut SecretBuffer(&mut s))`.
pub struct SecretBuffer<'a>(pub &'a mut Sensitive);

impl SecretBuffer<'_> {
    /// Edits the text as a `String` and puts it back in its wrapper.
    fn edit<R>(&mut self, change: impl FnOnce(&mut String) -> R) -> R {
        let mut text = std::mem::take(self.0).into_inner();
        let out = change(&mut text);
        *self.0 = Sensitive::from(text);
        out
    }
}

impl TextBuffer for SecretBuffer<'_> {
    fn is_mutable(&self) -> bool {
        true
    }

    fn as_str(&self) -> &str {
        self.0.reveal()
    }

    fn insert_text(&mut self, text: &str, char_index: CharIndex) -> usize {
        self.edit(|s| s.insert_text(text, char_index))
    }

    fn delete_char_range(&mut self, char_range: Range<CharIndex>) {
        self.edit(|s| s.delete_char_range(char_range));
    }

    fn type_id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<Sensitive>()
    }
}
