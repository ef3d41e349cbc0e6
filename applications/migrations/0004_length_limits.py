# Length limits in the database (gangwei.fields): the text columns become varchar(n) on PostgreSQL,
# and every limited column gets CHECK (LENGTH(column) <= n) on SQLite. A database that already holds
# a longer value stops this migration with the database's error: shorten the value, then migrate.

from django.db import migrations

import gangwei.fields


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_choice_constraints'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='achievements',
            field=gangwei.fields.LimitedTextField(blank=True, max_length=2000, verbose_name='主要事迹'),
        ),
        migrations.AlterField(
            model_name='application',
            name='applicant_name',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=120, verbose_name='申报单位'),
        ),
        migrations.AlterField(
            model_name='application',
            name='contact_name',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=40, verbose_name='联系人'),
        ),
        migrations.AlterField(
            model_name='application',
            name='contact_phone',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='application',
            name='contact_title',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=40, verbose_name='联系人职务'),
        ),
        migrations.AlterField(
            model_name='application',
            name='parent_unit',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=120, verbose_name='所属单位'),
        ),
        migrations.AlterField(
            model_name='application',
            name='post_name',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=80, verbose_name='岗位名称'),
        ),
        migrations.AlterField(
            model_name='application',
            name='review_opinion',
            field=gangwei.fields.LimitedTextField(blank=True, max_length=500, verbose_name='初审意见'),
        ),
        migrations.AlterField(
            model_name='application',
            name='special_reason',
            field=gangwei.fields.LimitedTextField(blank=True, max_length=200, verbose_name='特殊岗位理由'),
        ),
        migrations.AlterField(
            model_name='application',
            name='unit_opinion',
            field=gangwei.fields.LimitedTextField(blank=True, max_length=300, verbose_name='单位意见'),
        ),
        migrations.AlterField(
            model_name='applicationevent',
            name='note',
            field=gangwei.fields.LimitedTextField(blank=True, max_length=500, verbose_name='说明'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='original_name',
            field=gangwei.fields.LimitedCharField(max_length=200, verbose_name='文件名'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='issuer',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=120, verbose_name='授予单位'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='title',
            field=gangwei.fields.LimitedCharField(max_length=120, verbose_name='荣誉名称'),
        ),
        migrations.AlterField(
            model_name='honour',
            name='year',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=10, verbose_name='获得年份'),
        ),
        migrations.AlterField(
            model_name='leader',
            name='name',
            field=gangwei.fields.LimitedCharField(max_length=40, verbose_name='姓名'),
        ),
        migrations.AlterField(
            model_name='leader',
            name='phone',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='leader',
            name='title',
            field=gangwei.fields.LimitedCharField(blank=True, max_length=60, verbose_name='职务'),
        ),
    ]
