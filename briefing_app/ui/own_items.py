"""The analyst's own items in the window: the editor (fields and provenance) and the add, edit
and delete actions of the tabs that show own events, risks, judgments, key figures and actors.

The editor is one form built from ``OWN_FIELDS[kind]``; saving checks it with the store's own
checks and shows their message beside the form, the dialog staying open with everything typed.
Each save, edit or delete is one undo command. Bundled items stay read-only: the actions say
why rather than disappear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import OWN_KINDS, ItemRef, PartialDate
from ..store.own import OWN_FIELDS, FieldSpec, OwnProvenance, check_fields, check_provenance
from .edits import keep_or_discard
from .models import OWN_MARK, ListTableModel
from .own_actions import noun
from .richtext import is_dark, plain_message, plain_tooltip
from .session import Session

if TYPE_CHECKING:
    from ..store.own import OwnItem

#: The chooser's wording: where each kind shows up.
KIND_CHOICES = {"event": "Event (on the timeline)", "risk": "Risk (in the risk checklist)",
                "judgment": "Key judgment (in the overview)",
                "figure": "Key figure (in the overview)", "actor": "Actor (in the overview "
                "and as a timeline lane)"}
ANALYST_LANE_LABEL = "(the analyst's own lane)"
QUOTE_CHARS = 160  # of a cited passage, in the provenance list (its tooltip has it all)


def a_noun(kind: str) -> str:
    word = noun(kind)
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


# -- provenance ------------------------------------------------------------------------------
def provenance_label(p: OwnProvenance, source_title: Callable[[str], str]) -> str:
    """One entry of an item's provenance as the editor lists it."""
    if p.kind == "passage":
        quote = " ".join(p.quote.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[:QUOTE_CHARS - 1] + "\u2026"
        return f"Passage of \u201c{source_title(p.source_id)}\u201d: \u201c{quote}\u201d"
    if p.kind == "citation":
        bits = [f"\u201c{p.title}\u201d", p.publisher,
                PartialDate(p.date).label() if p.date else "undated"]
        text = "External citation: " + ", ".join(b for b in bits if b)
        return f"{text}. {p.url}" if p.url else text
    return "The analyst's own assessment (no outside source)"


class ProvenanceModel(ListTableModel[OwnProvenance]):
    """The entries an item rests on, one line each."""

    def __init__(self, rows: Sequence[OwnProvenance], source_title: Callable[[str], str],
                 parent: Any = None):
        self.source_title = source_title
        super().__init__(rows, parent)
        self.columns = (("Provenance", lambda p: provenance_label(p, self.source_title)),)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            p = self.row_object(index.row())
            full = p.quote if p.kind == "passage" else provenance_label(p, self.source_title)
            return plain_tooltip(full)
        return super().data(index, role)


class ProvenanceEditor(QGroupBox):
    """What an item rests on: cited passages (added from the Sources tab's reader), external
    citations typed here, and the analyst's explicit assessment; entries can be removed."""

    problem = Signal(str)  # a citation that cannot be added, in words
    edited = Signal()

    def __init__(self, entries: Sequence[OwnProvenance], source_title: Callable[[str], str],
                 parent: QWidget | None = None):
        super().__init__("What it rests on (provenance) *", parent)
        self.setObjectName("provenanceEditor")
        self.model = ProvenanceModel([], source_title, self)
        self.list = QListView(self)
        self.list.setObjectName("provenanceList")
        self.list.setAccessibleName("What the item rests on")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(70)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setObjectName("removeProvenance")
        self.remove_button.setToolTip("Remove the selected entry from the item's provenance")
        self.remove_button.clicked.connect(self.remove_selected)
        self.assessment = QCheckBox("This is my own &assessment (no outside source)", self)
        self.assessment.setObjectName("ownAssessment")
        self.assessment.setToolTip("Say so explicitly when the item rests on your judgment "
                                   "rather than a source; it is shown as your assessment")
        self.assessment.toggled.connect(self._on_assessment)

        self.cite_title = self._line("citationTitle", "Citation title",
                                     "Title of the article, report or page")
        self.cite_publisher = self._line("citationPublisher", "Citation publisher",
                                         "Publisher or outlet")
        self.cite_date = self._line("citationDate", "Citation date",
                                    "YYYY, YYYY-MM or YYYY-MM-DD")
        self.cite_url = self._line("citationUrl", "Citation URL", "https://\u2026")
        self.add_citation_button = QPushButton("Add &citation", self)
        self.add_citation_button.setObjectName("addCitation")
        self.add_citation_button.clicked.connect(self.add_citation)
        form = QFormLayout()
        form.addRow("Title:", self.cite_title)
        form.addRow("Publisher:", self.cite_publisher)
        form.addRow("Date:", self.cite_date)
        form.addRow("URL:", self.cite_url)
        hint = QLabel("To cite a passage of a source, select its words in the Sources tab's "
                      "reader and choose \u201cCite in\u2026\u201d from its menu.", self)
        hint.setWordWrap(True)
        hint.setObjectName("provenanceHint")
        row = QHBoxLayout()
        row.addWidget(self.assessment, 1)
        row.addWidget(self.remove_button)
        cite_row = QHBoxLayout()
        cite_row.addStretch(1)
        cite_row.addWidget(self.add_citation_button)
        citation = QGroupBox("Add an external citation", self)
        citation_layout = QVBoxLayout(citation)
        citation_layout.addLayout(form)
        citation_layout.addLayout(cite_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(citation)
        layout.addWidget(hint)
        self.set_entries(entries)

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda _t: self.edited.emit())
        return edit

    # -- entries ---------------------------------------------------------------------------
    def entries(self) -> list[OwnProvenance]:
        return self.model.rows()

    def set_entries(self, entries: Sequence[OwnProvenance]) -> None:
        self.model.set_rows(list(entries))
        blocked = self.assessment.blockSignals(True)
        self.assessment.setChecked(any(p.kind == "assessment" for p in entries))
        self.assessment.blockSignals(blocked)
        self.remove_button.setEnabled(bool(entries))
        self.edited.emit()

    def _on_assessment(self, checked: bool) -> None:
        rows = [p for p in self.entries() if p.kind != "assessment"]
        if checked:
            rows.append(OwnProvenance("assessment"))
        self.set_entries(rows)

    def remove_selected(self) -> None:
        index = self.list.currentIndex()
        rows = self.entries()
        if not rows:
            return
        row = index.row() if index.isValid() else len(rows) - 1
        del rows[row]
        self.set_entries(rows)

    # -- the citation form -------------------------------------------------------------------
    def citation_text(self) -> tuple[str, str, str, str]:
        return (self.cite_title.text().strip(), self.cite_publisher.text().strip(),
                self.cite_date.text().strip(), self.cite_url.text().strip())

    def pending_citation(self) -> OwnProvenance | None:
        """The citation typed in the form and not added yet (Save adds it: typed text is
        never dropped), or None when the form is empty."""
        title, publisher, date, url = self.citation_text()
        if not any((title, publisher, date, url)):
            return None
        return OwnProvenance("citation", title=title, publisher=publisher, date=date, url=url)

    def add_citation(self) -> bool:
        pending = self.pending_citation()
        if pending is None:
            self.problem.emit("Type at least the citation's title, then add it.")
            self.cite_title.setFocus()
            return False
        try:
            check_provenance([pending])
        except ValueError as exc:
            self.problem.emit(str(exc))
            return False
        self.set_entries([*self.entries(), pending])
        self.clear_citation()
        return True

    def clear_citation(self) -> None:
        for edit in (self.cite_title, self.cite_publisher, self.cite_date, self.cite_url):
            edit.clear()


# -- the editor ------------------------------------------------------------------------------
class OwnItemDialog(QDialog):
    """Add or edit one own item: its fields (from ``OWN_FIELDS``) and its provenance."""

    def __init__(self, session: Session, kind: str, item: OwnItem | None = None,
                 provenance: Sequence[OwnProvenance] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.item = item
        self.saved_id: str | None = None
        self.setObjectName("ownItemDialog")
        self.setWindowTitle(f"Edit your {noun(kind)}" if item is not None
                            else f"Add your own {noun(kind)}")
        self.resize(640, 760)
        self.widgets: dict[str, QWidget] = {}
        self.specs: tuple[FieldSpec, ...] = OWN_FIELDS[kind]

        intro = QLabel(f"{OWN_MARK} Your own {noun(kind)}: it is marked as yours wherever it "
                       "appears, and exported with what it rests on. Fields marked * are "
                       "required.", self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.specs:
            widget = self._editor(spec)
            self.widgets[spec.name] = widget
            label = QLabel(f"{spec.label}{' *' if spec.required else ''}:", self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.provenance = ProvenanceEditor(provenance, self._source_title, self)
        self.provenance.problem.connect(self.show_error)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(intro)
        body_layout.addLayout(form)
        body_layout.addWidget(self.provenance, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.error = QLabel(self)
        self.error.setObjectName("ownItemError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # store messages quote user text
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {'#ff8a80' if is_dark() else '#b00020'};"
                                 "font-weight: bold")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        if item is not None:
            self.set_field_values(item.fields)
        self._initial = self.state()
        first = self.widgets[self.specs[0].name]
        first.setFocus()

    # -- the form ----------------------------------------------------------------------------
    def _editor(self, spec: FieldSpec) -> QWidget:
        widget: QWidget
        if spec.type in ("long", "lines"):
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)  # Tab moves on through the form, as in a line edit
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 14)
            if spec.type == "lines":
                text.setPlaceholderText("One a line")
            widget = text
        elif spec.type == "enum":
            combo = QComboBox(self)
            combo.addItem("\u2014 choose \u2014", "")  # no silent default: a choice is made
            for choice in spec.choices:
                combo.addItem(choice.replace("-", " "), choice)
            widget = combo
        elif spec.type == "scale":
            box = QSpinBox(self)
            # 0 is "not rated": a rating the analyst did not give is never a silent 1.
            box.setRange(0, 5)
            box.setSpecialValueText("not rated")
            widget = box
        elif spec.type == "actor":
            combo = QComboBox(self)
            combo.addItem(ANALYST_LANE_LABEL, "")
            from ..store.view import ANALYST_LANE

            for actor in self.session.store.actors():
                if actor.id != ANALYST_LANE:
                    mark = f"{OWN_MARK} " if actor.own else ""
                    combo.addItem(f"{mark}{actor.name}", actor.id)
            widget = combo
        else:  # text, number, date
            line = QLineEdit(self)
            if spec.type == "number":
                line.setPlaceholderText("a number, e.g. 1,250 or 12.5")
            elif spec.help:
                line.setPlaceholderText(spec.help)
            widget = line
        widget.setObjectName(f"ownField_{spec.name}")
        widget.setAccessibleName(spec.label)
        if spec.help:
            widget.setToolTip(spec.help)
        return widget

    def field_values(self) -> dict[str, Any]:
        """What the form holds, as ``check_fields`` takes it (empty fields left out)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            w = self.widgets[spec.name]
            value: Any
            if isinstance(w, QPlainTextEdit):
                value = w.toPlainText()
            elif isinstance(w, QComboBox):
                value = w.currentData() or ""
            elif isinstance(w, QSpinBox):
                value = w.value() or None
            else:
                assert isinstance(w, QLineEdit)
                value = w.text().strip()
            if value not in ("", None) and not (isinstance(value, str) and not value.strip()):
                out[spec.name] = value
        return out

    def set_field_values(self, fields: dict[str, Any] | Any) -> None:
        """Show ``fields`` in the form; fields not named keep what they hold."""
        for spec in self.specs:
            if spec.name not in fields:
                continue
            w = self.widgets[spec.name]
            value = fields.get(spec.name)
            if isinstance(w, QPlainTextEdit):
                if isinstance(value, list | tuple):
                    value = "\n".join(map(str, value))
                w.setPlainText("" if value is None else str(value))
            elif isinstance(w, QComboBox):
                i = w.findData(value or "")
                if i < 0 and value:  # an actor no longer there: kept, and said so
                    w.addItem(f"(removed actor: {value})", value)
                    i = w.count() - 1
                w.setCurrentIndex(max(0, i))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value) if isinstance(value, int) and 0 <= value <= 5 else 0)
            else:
                assert isinstance(w, QLineEdit)
                w.setText("" if value is None else str(value))

    def _source_title(self, source_id: str) -> str:
        src = self.session.store.source(source_id)
        return src.title if src is not None else source_id

    def state(self) -> tuple[object, ...]:
        return (sorted(self.field_values().items()), tuple(self.provenance.entries()),
                self.provenance.citation_text())

    def is_dirty(self) -> bool:
        return self.state() != self._initial

    # -- saving ------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.error.setText(f"Not saved yet: {message}" if message else "")
        self.error.setVisible(bool(message))

    def checked(self) -> tuple[dict[str, Any], list[OwnProvenance]]:
        """The fields and provenance as they would be saved; ValueError saying what is
        wrong (the store's own checks, so the form and the command line agree)."""
        fields = check_fields(self.kind, self.field_values())
        entries = self.provenance.entries()
        pending = self.provenance.pending_citation()
        if pending is not None:
            entries.append(pending)
        provenance = list(check_provenance(entries))
        self.session.store.check_provenance(provenance)
        return fields, provenance

    def save(self) -> bool:
        """Check, then save as one undo step; on a problem say it beside the form and keep
        everything as typed."""
        try:
            fields, provenance = self.checked()
        except ValueError as exc:
            message = str(exc)
            self.show_error(message)
            self._focus_field(message)
            return False
        if self.provenance.pending_citation() is not None:  # now it is part of the item
            self.provenance.set_entries(provenance)
            self.provenance.clear_citation()
        if self.item is not None and fields == dict(self.item.fields) \
                and tuple(provenance) == tuple(self.item.provenance):
            self.saved_id = self.item.id  # nothing changed: no empty undo step
            return True
        from .commands import AddOwnItem, EditOwnItem

        failures: list[str] = []

        def failed(message: str) -> None:
            failures.append(message)

        self.session.saveFailed.connect(failed)
        try:
            if self.item is None:
                add = AddOwnItem(self.session, self.kind, fields, provenance)
                saved = self.session.push(add)
                if saved and add.item is not None:
                    self.saved_id = add.item.id
            else:
                saved = self.session.push(
                    EditOwnItem(self.session, self.item.id, fields, provenance))
                if saved:
                    self.saved_id = self.item.id
        finally:
            self.session.saveFailed.disconnect(failed)
        if not saved:
            self.show_error(failures[-1] if failures else "the workspace did not save it")
        return saved

    def _focus_field(self, message: str) -> None:
        """Put the cursor where the problem is (the store names the field in brackets)."""
        for spec in self.specs:
            if f"({spec.name})" in message:
                self.widgets[spec.name].setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if "provenance" in message or "citation" in message or "passage" in message:
            self.provenance.cite_title.setFocus(Qt.FocusReason.OtherFocusReason)

    def _accept(self) -> None:
        if self.save():
            self.accept()

    def commit(self) -> bool:
        """The window is closing (or the session ends) under the open editor: save."""
        if self.isVisible() and self.is_dirty() and self.save():
            self.accept()
            return True
        return False

    def ask(self) -> bool:
        """Run the dialog; while it is open, closing the window saves what it holds."""
        self.session.edits.add(self)
        try:
            return self.exec() == QDialog.DialogCode.Accepted
        finally:
            self.session.edits.remove(self)

    def reject(self) -> None:
        """Cancel, Escape or the close button: what was typed is never dropped unasked."""
        if self.is_dirty():
            what = (f"changes to your {noun(self.kind)}" if self.item is not None
                    else a_noun(self.kind))
            answer = keep_or_discard(self, what)
            if answer == QMessageBox.StandardButton.Save:
                self._accept()
                return
            if answer != QMessageBox.StandardButton.Discard:
                return  # keep editing
        super().reject()


def choose_kind(parent: QWidget | None) -> str | None:
    """Ask which kind of item to add; None if the user cancels."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("ownKindChooser")
    dialog.setWindowTitle("Add your own item")
    dialog.setLabelText("What do you want to add?")
    dialog.setComboBoxItems([KIND_CHOICES[k] for k in OWN_KINDS])
    dialog.setComboBoxEditable(False)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        labels = {v: k for k, v in KIND_CHOICES.items()}
        return labels.get(dialog.textValue())
    finally:
        dialog.deleteLater()


def _writable(session: Session, parent: QWidget | None) -> bool:
    ws = session.workspace
    if ws is None or ws.read_only:
        plain_message(parent, "Read-only workspace",
                      "Your workspace is read-only (or still opening), so your own items "
                      "cannot be added or changed.", QMessageBox.Icon.Information)
        return False
    return True


def edit_own_item(session: Session, parent: QWidget | None, kind: str | None = None,
                  provenance: Sequence[OwnProvenance] | None = None,
                  item_id: str | None = None) -> ItemRef | None:
    """``ask_own_item``, returning the saved item's reference (None if nothing was saved)."""
    if not _writable(session, parent):
        return None
    item = None
    if item_id is not None:
        item = session.store.own_item(item_id)
        if item is None:
            plain_message(parent, "Not your item",
                          "Only your own items can be edited; the briefing's are read-only.",
                          QMessageBox.Icon.Information)
            return None
        kind = item.kind
    if kind is None:
        kind = choose_kind(parent)
        if kind is None:
            return None
    if kind not in OWN_FIELDS:
        raise ValueError(f"not a kind of own item: {kind!r}")
    entries = list(item.provenance) if item is not None else []
    entries += [p for p in provenance or () if p not in entries]
    dialog = OwnItemDialog(session, kind, item, entries, parent)
    try:
        if not dialog.ask() or dialog.saved_id is None:
            return None
        return ItemRef(kind, dialog.saved_id)
    finally:
        dialog.deleteLater()


def ask_own_item(session: Session, parent: QWidget | None, kind: str | None = None,
                 provenance: list[OwnProvenance] | None = None,
                 item_id: str | None = None) -> bool:
    """Add an own item (``kind`` None: ask which kind first), or edit ``item_id``;
    ``provenance`` pre-fills what it rests on. True once saved (one undo step)."""
    return edit_own_item(session, parent, kind, provenance, item_id) is not None


def add_provenance_to(session: Session, parent: QWidget | None, item_id: str,
                      provenance: list[OwnProvenance]) -> bool:
    """Let an own item rest on more (a passage cited from the reader): one undo step."""
    if not _writable(session, parent):
        return False
    item = session.store.own_item(item_id)
    if item is None:
        plain_message(parent, "Not your item", "Passages can be cited only in your own items.",
                      QMessageBox.Icon.Information)
        return False
    entries = list(item.provenance)
    added = [p for p in provenance if p not in entries]
    if not added:
        plain_message(parent, "Already cited",
                      f"Your {noun(item.kind)} \u201c{item.title}\u201d already rests on this.",
                      QMessageBox.Icon.Information)
        return False
    entries += added
    try:
        check_provenance(entries)
        session.store.check_provenance(entries)
    except ValueError as exc:
        plain_message(parent, "Not cited", str(exc))
        return False
    from .commands import EditOwnItem

    return session.push(EditOwnItem(session, item_id, dict(item.fields), entries))


def delete_own_item(session: Session, parent: QWidget | None, item_id: str) -> bool:
    """Delete an own item after asking (undo brings it back)."""
    if not _writable(session, parent):
        return False
    item = session.store.own_item(item_id)
    if item is None:
        return False
    box = QMessageBox(QMessageBox.Icon.Question, f"Delete your {noun(item.kind)}",
                      f"Delete your {noun(item.kind)} \u201c{item.title}\u201d?",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("confirmDeleteOwn")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the title is the analyst's text
    info = "Edit \u25b8 Undo (Ctrl+Z) brings it back."
    if item.kind == "actor":
        lanes = sum(1 for e in session.store.events() if e.own and e.lane == item_id)
        if lanes:
            info = (f"{lanes} of your events are in its timeline lane; they stay, in a lane "
                    "marked as a removed actor. " + info)
    box.setInformativeText(info)
    delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(delete)
    box.exec()
    if box.clickedButton() is not delete:
        return False
    from .commands import DeleteOwnItem

    return session.push(DeleteOwnItem(session, item_id))


