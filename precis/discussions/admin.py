from django.contrib import admin

from .models import Answer, AnswerVote, Comment, CommentRevision, Question


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    fields = ("number", "created_at", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("pk", "summary", "author", "parent", "created_at", "edited_at", "deleted_at")
    list_filter = ("deleted_at", "edited_at")
    search_fields = ("source", "author__username")
    raw_id_fields = ("summary", "author", "parent")
    readonly_fields = ("created_at", "updated_at", "edited_at")
    inlines = [CommentRevisionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("author", "score", "created_at", "deleted_at")
    readonly_fields = ("author", "score", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "paper", "author", "created_at", "accepted_answer", "deleted_at")
    list_filter = ("deleted_at",)
    search_fields = ("title", "source", "author__username")
    raw_id_fields = ("paper", "author", "accepted_answer")
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("pk", "question", "author", "score", "created_at", "deleted_at")
    list_filter = ("deleted_at",)
    search_fields = ("source", "author__username")
    raw_id_fields = ("question", "author")
    readonly_fields = ("upvotes", "downvotes", "score")


@admin.register(AnswerVote)
class AnswerVoteAdmin(admin.ModelAdmin):
    list_display = ("answer", "voter", "value", "created_at")
    raw_id_fields = ("answer", "voter")
