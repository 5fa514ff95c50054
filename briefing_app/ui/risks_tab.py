"""Risk Checklist tab: each risk's review, its ratings beside the briefing's, and a live heat map.

Every edit becomes an undo command that saves to the workspace at once; the heat map, progress
line and table refresh from the one change signal. The analyst's own risks are checklist rows
like the briefing's (marked as theirs), added, edited and deleted from here.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from ..domain import ItemRef
from ..store.workspace import STATUSES
from .charts import RiskHeatMap
from .commands import ResetAssessment, SetChecklistField
from .edits import TextBinding
from .models import OWN_MARK, RiskCellFilter, RiskChecklistModel
from .own_actions import OwnItemActions
from .richtext import esc
from .session import Change, Session
from .views import column, row_table


class RatingDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # type: ignore[no-untyped-def]  # noqa: N802
        box = QSpinBox(parent)
        box.setRange(1, 5)
        box.setAccessibleName("Rating from 1 to 5")
        return box

    def setEditorData(self, editor, index):  # type: ignore[no-untyped-def]  # noqa: N802
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 1))

    def setModelData(self, editor, model, index):  # type: ignore[no-untyped-def]  # noqa: N802
        editor.interpretText()
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class StatusDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # type: ignore[no-untyped-def]  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems(list(STATUSES))
        combo.setAccessibleName("Status")
        return combo

    def setEditorData(self, editor, index):  # type: ignore[no-untyped-def]  # noqa: N802
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or "open"))

    def setModelData(self, editor, model, index):  # type: ignore[no-untyped-def]  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class DateDelegate(QStyledItemDelegate):
    NONE = QDate(2000, 1, 1)

    def createEditor(self, parent, option, index):  # type: ignore[no-untyped-def]  # noqa: N802
        edit = QDateEdit(parent)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(self.NONE)
        edit.setSpecialValueText("none")
        edit.setAccessibleName("Next review date")
        return edit

    def setEditorData(self, editor, index):  # type: ignore[no-untyped-def]  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else QDate.currentDate())

    def setModelData(self, editor, model, index):  # type: ignore[no-untyped-def]  # noqa: N802
        d = editor.date()
        model.setData(index, "" if d == self.NONE else d.toString("yyyy-MM-dd"),
                      Qt.ItemDataRole.EditRole)


class RisksTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.risks = session.store.risks()
        self._current: ItemRef | None = None

        self.model = RiskChecklistModel(self.risks, self)
        self.model.editRequested.connect(self._on_edit)
        self.proxy = RiskCellFilter(self)
        self.proxy.setSourceModel(self.model)
        M = RiskChecklistModel  # noqa: N806
        self.table = row_table(self, "riskTable", "Risk checklist", self.proxy,
                               widths=(80, 260, 80, 70, 55, 150, 100, 95, 100),
                               row_numbers=True, sortable=True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setItemDelegateForColumn(M.COL_LIKELIHOOD, RatingDelegate(self.table))
        self.table.setItemDelegateForColumn(M.COL_IMPACT, RatingDelegate(self.table))
        self.table.setItemDelegateForColumn(M.COL_STATUS, StatusDelegate(self.table))
        self.table.setItemDelegateForColumn(M.COL_NEXT, DateDelegate(self.table))
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.doubleClicked.connect(self._on_double_click)
        session.edits.watch_view(self.table)  # a cell being edited is committed, not dropped
        self.own_actions = OwnItemActions(session, self, ("risk",), self.current_ref,
                                          self.select)
        self.own_actions.install(self.table)
        self.add_button = self.own_actions.button("add", "Add ris&k\u2026", "addOwnRisk")
        self.edit_button = self.own_actions.button("edit", "Ed&it risk\u2026", "editOwnRisk")
        self.delete_button = self.own_actions.button("delete", "De&lete risk",
                                                     "deleteOwnRisk")

        self.progress = QLabel(self)
        self.progress.setObjectName("riskProgress")
        self.reset_button = QPushButton("Reset to the briefing's &assessment", self)
        self.reset_button.setObjectName("resetAssessment")
        self.reset_button.setToolTip("Put the selected risk's likelihood and impact back to the "
                                     "briefing's values (undoable)")
        self.reset_button.clicked.connect(self.reset_selected)
        self.clear_filter = QPushButton("Show &all risks", self)
        self.clear_filter.setObjectName("clearCellFilter")
        self.clear_filter.clicked.connect(lambda: self.filter_cell(None))
        self.filter_label = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.progress)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        top.addStretch(1)
        top.addWidget(self.filter_label)
        top.addWidget(self.clear_filter)
        top.addWidget(self.reset_button)

        self.heatmap = RiskHeatMap(self)
        self.heatmap.setObjectName("riskHeatMap")
        self.heatmap.cellClicked.connect(lambda l_, i: self.filter_cell((l_, i)))

        # The selected risk's rationale, edited in full (the table shows one line of it).
        self.rationale_title = QLabel("Select a risk to write your rationale.", self)
        self.rationale_title.setWordWrap(True)
        self.rationale = QPlainTextEdit(self)
        self.rationale.setTabChangesFocus(True)  # Tab moves on (it trapped the keyboard)
        self.rationale.setObjectName("rationaleEditor")
        self.rationale.setAccessibleName("Your rationale for the selected risk")
        self.rationale.setPlaceholderText("Why you rate this risk as you do (Ctrl+Enter saves)")
        self.rationale.setEnabled(False)
        self.rationale_binding = TextBinding(self.rationale, self._save_rationale,
                                             session.edits)
        self.save_rationale = QPushButton("&Save rationale", self)
        self.save_rationale.setObjectName("saveRationale")
        self.save_rationale.setEnabled(False)
        self.save_rationale.clicked.connect(self.commit_rationale)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.rationale)
        save_shortcut.activated.connect(self.commit_rationale)
        review = column(self, self.rationale_title, (self.rationale, 1))
        review.layout().addWidget(self.save_rationale, 0, Qt.AlignmentFlag.AlignRight)
        upper = column(self, top, self.table)
        self.lower = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower.setObjectName("risksLowerSplitter")
        self.lower.addWidget(self.heatmap)
        self.lower.addWidget(review)
        self.lower.setSizes([460, 560])
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("risksSplitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.lower)
        self.splitter.setSizes([380, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self.reload)
        self.reload()

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.session.workspace
        entries = ws.checklist() if ws is not None else {}
        self.model.set_entries(entries, editable=ws is not None and not ws.read_only)
        self._reload_risks()

    def _reload_risks(self) -> None:
        """Read the risks again (own ones added, edited, deleted, or their undo). Rows change
        one by one, so the selection, the user's sort and an open cell editor stay; the
        rationale editor keeps what was typed (its binding saves it for its own risk)."""
        self.risks = self.session.store.risks()
        self.model.set_risks(self.risks)
        current = self._current
        if current is not None and not self.table.currentIndex().isValid():
            row = self.model.row_of(current.id)
            index = self.proxy.mapFromSource(self.model.index(row, RiskChecklistModel.COL_RISK))
            if index.isValid():  # back again (an undone delete): selected as it was
                self.table.setCurrentIndex(index)
        self._refresh_summary()
        self._show_rationale(keep_typed=True)

    def _on_change(self, change: Change) -> None:
        if change.kind == "own":
            self._reload_risks()
            return
        if change.kind != "checklist" or self.session.workspace is None:
            return
        # update_entry's dataChanged is enough for the cell filter to re-check the row (a
        # dynamic filter); invalidating the proxy here would reset it in the middle of a
        # selection change when typed text is committed because the selection moved.
        for risk_id in change.ids:
            self.model.update_entry(self.session.workspace.checklist_entry(risk_id))
        self._refresh_summary()
        if self._current is not None and self._current.id in change.ids:
            self._show_rationale()

    def _refresh_summary(self) -> None:
        n = self.model.reviewed_count()
        total = len(self.risks)
        text = f"{n} of {total} reviewed"
        ws = self.session.workspace
        if ws is None:
            text += " (opening your workspace\u2026)"
        elif ws.read_only:
            text += " (read-only workspace: changes are not saved)"
        self.progress.setText(text)
        self.heatmap.set_risks([(self.model.risk(row).seq, *self.model.effective(row))
                                for row in range(self.model.rowCount())],
                               own=[r.seq for r in self.risks if r.own])
        self._say_filter()  # a change (or its undo) may move risks into or out of the cell

    def _say_filter(self) -> None:
        cell = self.proxy.cell
        if cell is None:
            self.filter_label.setText("")
            return
        n = self.proxy.rowCount()
        self.filter_label.setText(f"Showing {n} risk{'s' if n != 1 else ''} with "
                                  f"likelihood {cell[0]} and impact {cell[1]}")

    def _on_edit(self, risk_id: str, name: str, value: object) -> bool:
        """One edit, one undo step; False (and nothing on the stack) if it was not saved."""
        title = next((r.title for r in self.risks if r.id == risk_id), risk_id)
        keep = value if isinstance(value, str) and name in ("rationale", "owner") else ""
        return self.session.push(SetChecklistField(self.session, risk_id, name, value, title),
                                 keep_text=keep)

    def reset_selected(self) -> None:
        ref = self._current
        if ref is None or ref.kind != "risk" or self.session.workspace is None:
            return
        if self.session.workspace.read_only:
            return
        title = next((r.title for r in self.risks if r.id == ref.id), ref.id)
        self.session.push(ResetAssessment(self.session, ref.id, title))

    # -- heat map filter -------------------------------------------------------------------------
    def filter_cell(self, cell: tuple[int, int] | None) -> None:
        if cell is not None and cell == self.proxy.cell:
            cell = None  # a second click on the same cell clears the filter
        self.proxy.set_cell(cell)
        self.heatmap.set_selected_cell(cell)
        self._say_filter()

    # -- selection -----------------------------------------------------------------------------
    def _on_row(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        risk = self.model.risk(self.proxy.mapToSource(index).row())
        self._current = ItemRef("risk", risk.id)
        self._show_rationale()
        self.session.select(self._current)

    def _show_rationale(self, keep_typed: bool = False) -> None:
        """Show the selected risk's rationale; text typed for the previous one is saved
        first (the binding commits it), never overwritten."""
        ref = self._current
        if ref is None:
            return
        risk = next((r for r in self.risks if r.id == ref.id), None)
        if risk is None:  # an own risk deleted (or its adding undone) while selected
            self.rationale_title.setText("The selected risk is no longer in the checklist.")
            self.save_rationale.setEnabled(False)
            return
        mark = f"{OWN_MARK} " if risk.own else ""
        self.rationale_title.setText(f"<b>Your rationale:</b> {mark}{esc(risk.title)}")
        if keep_typed and self.rationale_binding.key == risk.id:
            return  # the same risk re-read (an own item changed): what is typed stays typed
        self.rationale_binding.load(risk.id, self.model.entry(risk.id).rationale)
        editable = self.model.editable
        self.rationale.setEnabled(editable)
        self.save_rationale.setEnabled(editable)

    def _save_rationale(self, risk_id: object, text: str) -> bool:
        if self.model.editable and text != self.model.entry(str(risk_id)).rationale:
            return self._on_edit(str(risk_id), "rationale", text)
        return True

    def commit_rationale(self) -> None:
        """Save the rationale editor's text for its risk (one undoable step)."""
        self.rationale_binding.commit()

    def _on_double_click(self, index: QModelIndex) -> None:
        """The rationale column is edited in full in the editor below, not in the cell."""
        if index.column() == RiskChecklistModel.COL_RATIONALE and self.rationale.isEnabled():
            self.rationale.setFocus(Qt.FocusReason.OtherFocusReason)

    def select(self, ref: ItemRef) -> None:
        row = self.model.row_of(ref.id)
        if row < 0:
            return
        self.session.commit_edits()  # before the selection moves, not in the middle of it
        index = self.proxy.mapFromSource(self.model.index(row, RiskChecklistModel.COL_RISK))
        if not index.isValid():
            self.filter_cell(None)
            index = self.proxy.mapFromSource(self.model.index(row, RiskChecklistModel.COL_RISK))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def note_views(self) -> list[QWidget]:
        """Views whose context menu offers "Add note" for the selection."""
        return [self.table]

    def current_ref(self) -> ItemRef | None:
        return self._current
