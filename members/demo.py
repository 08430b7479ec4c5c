"""Demo data for README command 1: a fictional cluster in western Tokyo, Kanagawa and Yamanashi.

Everything is planned first as plain data from a seeded random.Random (so the same N gives the same
cluster), then written through the member services, so search keys, history rows and membership
transitions look exactly as if the secretariat had entered them. Dates are laid out backwards from
`today`, so the newest applications are always a few weeks old.

Firm, university, bank and support-organisation names are composed from place and business parts and
are fictional; municipalities and chambers of commerce carry the names of the real places. Every mail
address is under example.jp.
"""

import datetime
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members.models import (
    Contact,
    Membership,
    MembershipStatus,
    MembershipTransition,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from members.services import (
    association_settings_update,
    contact_create,
    fee_tier_save,
    membership_apply,
    membership_fee_override,
    membership_transition,
    organization_create,
    user_create,
)
from members.validators import corporate_number_check_digit

S = MembershipStatus
K = OrganizationKind

SEED = 1998  # the year TAMA was founded; any constant keeps the demo reproducible
DEFAULT_ORGANIZATIONS = 300
MINIMUM_ORGANIZATIONS = 20  # below this not every kind and membership state fits
DEMO_PASSWORD = "clusternet-demo"  # noqa: S105 - published in the README on purpose
ASSOCIATION_FOUNDED = datetime.date(1998, 4, 1)
CONSENT_PURPOSES = "会員名簿の管理、会からの連絡・行事案内、会費の請求"

MEMBER_FIRM_NAME = "株式会社多摩精密"
BANK_NAME = "多摩丘陵信用金庫"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    organization: str = ""

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(Role.ADMINISTRATOR, "admin"),
    DemoLogin(Role.SECRETARIAT, "staff"),
    DemoLogin(Role.COORDINATOR, "coordinator"),
    DemoLogin(Role.MEMBER, "member", MEMBER_FIRM_NAME),
    DemoLogin(Role.BANK, "bank", BANK_NAME),
    DemoLogin(Role.EVALUATOR, "evaluator"),
]


# --- Places -------------------------------------------------------------------------------------------

Part = tuple[str, str, str]  # (written, katakana reading, romaji for mail domains)


@dataclass(frozen=True)
class City:
    prefecture: str
    name: str  # as written in an address, with the ward where there is one
    municipality: str  # the municipality itself (相模原市 for 相模原市中央区)
    kana: str  # reading of `municipality`
    romaji: str
    postal_prefix: str
    phone: str  # '#' becomes a digit
    weight: int  # how many member firms sit here, relatively
    places: tuple[Part, ...]  # place words firms here put in their names


CITIES: tuple[City, ...] = (
    City("13", "八王子市", "八王子市", "ハチオウジシ", "hachioji", "192", "042-6##-####", 14,
         (("八王子", "ハチオウジ", "hachioji"), ("高尾", "タカオ", "takao"), ("浅川", "アサカワ", "asakawa"),
          ("多摩", "タマ", "tama"), ("恩方", "オンガタ", "ongata"), ("北野", "キタノ", "kitano"))),
    City("13", "立川市", "立川市", "タチカワシ", "tachikawa", "190", "042-5##-####", 8,
         (("立川", "タチカワ", "tachikawa"), ("砂川", "スナガワ", "sunagawa"), ("多摩", "タマ", "tama"))),
    City("13", "府中市", "府中市", "フチュウシ", "fuchu", "183", "042-3##-####", 7,
         (("府中", "フチュウ", "fuchu"), ("是政", "コレマサ", "koremasa"), ("武蔵", "ムサシ", "musashi"))),
    City("13", "町田市", "町田市", "マチダシ", "machida", "194", "042-7##-####", 7,
         (("町田", "マチダ", "machida"), ("鶴川", "ツルカワ", "tsurukawa"), ("相原", "アイハラ", "aihara"),
          ("南多摩", "ミナミタマ", "minamitama"))),
    City("13", "日野市", "日野市", "ヒノシ", "hino", "191", "042-5##-####", 6,
         (("日野", "ヒノ", "hino"), ("高幡", "タカハタ", "takahata"), ("平山", "ヒラヤマ", "hirayama"))),
    City("13", "青梅市", "青梅市", "オウメシ", "ome", "198", "0428-2#-####", 5,
         (("青梅", "オウメ", "ome"), ("御岳", "ミタケ", "mitake"), ("西多摩", "ニシタマ", "nishitama"),
          ("奥多摩", "オクタマ", "okutama"))),
    City("13", "昭島市", "昭島市", "アキシマシ", "akishima", "196", "042-5##-####", 4,
         (("昭島", "アキシマ", "akishima"), ("拝島", "ハイジマ", "haijima"))),
    City("13", "調布市", "調布市", "チョウフシ", "chofu", "182", "042-4##-####", 4,
         (("調布", "チョウフ", "chofu"), ("深大寺", "ジンダイジ", "jindaiji"))),
    City("13", "多摩市", "多摩市", "タマシ", "tama", "206", "042-3##-####", 4,
         (("多摩", "タマ", "tama"), ("永山", "ナガヤマ", "nagayama"), ("聖蹟", "セイセキ", "seiseki"))),
    City("13", "稲城市", "稲城市", "イナギシ", "inagi", "206", "042-3##-####", 2, (("稲城", "イナギ", "inagi"),)),
    City("13", "国分寺市", "国分寺市", "コクブンジシ", "kokubunji", "185", "042-3##-####", 3,
         (("国分寺", "コクブンジ", "kokubunji"),)),
    City("13", "小金井市", "小金井市", "コガネイシ", "koganei", "184", "042-3##-####", 2,
         (("小金井", "コガネイ", "koganei"), ("武蔵野", "ムサシノ", "musashino"))),
    City("13", "三鷹市", "三鷹市", "ミタカシ", "mitaka", "181", "0422-4#-####", 3,
         (("三鷹", "ミタカ", "mitaka"), ("武蔵野", "ムサシノ", "musashino"))),
    City("13", "武蔵野市", "武蔵野市", "ムサシノシ", "musashino", "180", "0422-5#-####", 2,
         (("武蔵野", "ムサシノ", "musashino"), ("吉祥寺", "キチジョウジ", "kichijoji"))),
    City("13", "あきる野市", "あきる野市", "アキルノシ", "akiruno", "197", "042-5##-####", 2,
         (("秋川", "アキカワ", "akikawa"), ("五日市", "イツカイチ", "itsukaichi"))),
    City("13", "羽村市", "羽村市", "ハムラシ", "hamura", "205", "042-5##-####", 3,
         (("羽村", "ハムラ", "hamura"), ("多摩川", "タマガワ", "tamagawa"))),
    City("13", "国立市", "国立市", "クニタチシ", "kunitachi", "186", "042-5##-####", 1,
         (("国立", "クニタチ", "kunitachi"),)),
    City("14", "相模原市中央区", "相模原市", "サガミハラシ", "sagamihara", "252", "042-7##-####", 7,
         (("相模", "サガミ", "sagami"), ("相模原", "サガミハラ", "sagamihara"), ("淵野辺", "フチノベ", "fuchinobe"))),
    City("14", "相模原市緑区", "相模原市", "サガミハラシ", "sagamihara", "252", "042-7##-####", 4,
         (("橋本", "ハシモト", "hashimoto"), ("津久井", "ツクイ", "tsukui"), ("城山", "シロヤマ", "shiroyama"),
          ("相模", "サガミ", "sagami"))),
    City("14", "厚木市", "厚木市", "アツギシ", "atsugi", "243", "046-2##-####", 5,
         (("厚木", "アツギ", "atsugi"), ("丹沢", "タンザワ", "tanzawa"), ("相模川", "サガミガワ", "sagamigawa"))),
    City("14", "川崎市中原区", "川崎市", "カワサキシ", "kawasaki", "211", "044-7##-####", 4,
         (("京浜", "ケイヒン", "keihin"), ("武蔵小杉", "ムサシコスギ", "musashikosugi"))),
    City("14", "川崎市高津区", "川崎市", "カワサキシ", "kawasaki", "213", "044-8##-####", 3,
         (("溝口", "ミゾノクチ", "mizonokuchi"), ("多摩川", "タマガワ", "tamagawa"))),
    City("14", "横浜市港北区", "横浜市", "ヨコハマシ", "yokohama", "222", "045-5##-####", 3,
         (("新横浜", "シンヨコハマ", "shinyokohama"), ("港北", "コウホク", "kohoku"))),
    City("14", "横浜市緑区", "横浜市", "ヨコハマシ", "yokohama", "226", "045-9##-####", 2,
         (("長津田", "ナガツタ", "nagatsuta"), ("中山", "ナカヤマ", "nakayama"))),
    City("14", "海老名市", "海老名市", "エビナシ", "ebina", "243", "046-2##-####", 2, (("海老名", "エビナ", "ebina"),)),
    City("14", "座間市", "座間市", "ザマシ", "zama", "252", "046-2##-####", 2, (("座間", "ザマ", "zama"),)),
    City("14", "大和市", "大和市", "ヤマトシ", "yamato", "242", "046-2##-####", 2, (("大和", "ヤマト", "yamato"),)),
    City("14", "伊勢原市", "伊勢原市", "イセハラシ", "isehara", "259", "0463-9#-####", 2,
         (("伊勢原", "イセハラ", "isehara"), ("大山", "オオヤマ", "oyama"))),
    City("19", "甲府市", "甲府市", "コウフシ", "kofu", "400", "055-2##-####", 6,
         (("甲府", "コウフ", "kofu"), ("甲斐", "カイ", "kai"), ("峡中", "キョウチュウ", "kyochu"))),
    City("19", "富士吉田市", "富士吉田市", "フジヨシダシ", "fujiyoshida", "403", "0555-2#-####", 3,
         (("富士吉田", "フジヨシダ", "fujiyoshida"), ("郡内", "グンナイ", "gunnai"))),
    City("19", "都留市", "都留市", "ツルシ", "tsuru", "402", "0554-4#-####", 1, (("都留", "ツル", "tsuru"),)),
    City("19", "大月市", "大月市", "オオツキシ", "otsuki", "401", "0554-2#-####", 1, (("大月", "オオツキ", "otsuki"),)),
    City("19", "上野原市", "上野原市", "ウエノハラシ", "uenohara", "409", "0554-6#-####", 1,
         (("上野原", "ウエノハラ", "uenohara"),)),
    City("19", "甲斐市", "甲斐市", "カイシ", "kai", "400", "055-2##-####", 2,
         (("竜王", "リュウオウ", "ryuo"), ("甲斐", "カイ", "kai"))),
    City("19", "笛吹市", "笛吹市", "フエフキシ", "fuefuki", "406", "055-2##-####", 2,
         (("笛吹", "フエフキ", "fuefuki"), ("石和", "イサワ", "isawa"), ("峡東", "キョウトウ", "kyotoh"))),
    City("19", "韮崎市", "韮崎市", "ニラサキシ", "nirasaki", "407", "0551-2#-####", 1,
         (("韮崎", "ニラサキ", "nirasaki"), ("八ヶ岳", "ヤツガタケ", "yatsugatake"))),
    City("19", "南アルプス市", "南アルプス市", "ミナミアルプスシ", "minamialps", "400", "055-2##-####", 1,
         (("南アルプス", "ミナミアルプス", "minamialps"), ("白根", "シラネ", "shirane"))),
)  # fmt: skip
CITY_BY_NAME = {c.name: c for c in CITIES}

# Words of the kind SMEs put before their trade instead of a place: old auspicious words and surnames.
GENERIC_PREFIXES: tuple[Part, ...] = (
    ("三和", "サンワ", "sanwa"), ("協和", "キョウワ", "kyowa"), ("共栄", "キョウエイ", "kyoei"),
    ("光陽", "コウヨウ", "koyo"), ("誠和", "セイワ", "seiwa"), ("東和", "トウワ", "towa"),
    ("小林", "コバヤシ", "kobayashi"), ("石井", "イシイ", "ishii"), ("中島", "ナカジマ", "nakajima"),
    ("清水", "シミズ", "shimizu"), ("小池", "コイケ", "koike"), ("荒井", "アライ", "arai"),
    ("野口", "ノグチ", "noguchi"), ("望月", "モチヅキ", "mochizuki"),
)  # fmt: skip

TOWNS = (
    "本町", "旭町", "中町", "栄町", "緑町", "東町", "錦町", "南町", "元町", "宮下町", "富士見町", "若葉台",
    "桜台", "緑が丘", "大和田町", "石川町", "高倉町", "平町", "新町", "日吉町", "幸町", "千代田町",
)  # fmt: skip


# --- Trades ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trade:
    name: str
    kana: str
    romaji: str
    industry: str
    business: tuple[str, ...]
    technologies: tuple[str, ...]
    prefectures: tuple[str, ...] = ("13", "14", "19")  # local trades stay where they belong
    since: int = 1946  # young trades have no firms from the post-war years


TRADES: tuple[Trade, ...] = (
    Trade("精密", "セイミツ", "seimitsu", "精密機械",
          ("精密部品の切削加工。試作1個から量産まで一貫対応。", "航空機・医療機器向け精密部品の製造。"),
          ("5軸マシニングセンタによる複雑形状加工", "±2μmの寸法精度を保証する研削加工")),
    Trade("精機", "セイキ", "seiki", "一般機械",
          ("省力化装置・専用機の設計製作。", "食品・医薬品向け包装機械の製造。"),
          ("自動組立装置の設計と画像検査の組込み", "サーボ制御による高速搬送")),
    Trade("電機", "デンキ", "denki", "電気機械",
          ("制御盤・配電盤の設計製造。", "小型モータと駆動装置の製造。"),
          ("インバータ制御と省エネ改修", "ブラシレスモータ駆動回路")),
    Trade("電子", "デンシ", "denshi", "電子部品",
          ("電子回路基板の設計・実装。", "電源ユニットの受託開発。"),
          ("高周波回路設計", "少量多品種の基板実装とX線検査")),
    Trade("工業", "コウギョウ", "kogyo", "金属製品",
          ("板金・溶接による装置筐体の製造。", "産業機械部品の製缶・機械加工。"),
          ("レーザ加工とTIG溶接による薄板精密板金", "大型部品の溶接構造設計")),
    Trade("製作所", "セイサクショ", "seisakusho", "金属加工",
          ("旋盤加工を中心とした金属部品の製造。", "治具・工具の設計製作。"),
          ("NC旋盤による小径シャフト加工", "難削材（チタン・インコネル）の切削")),
    Trade("技研", "ギケン", "giken", "研究開発",
          ("受託研究開発と試作。", "評価試験装置の開発。"),
          ("機構設計と3Dプリンタによる迅速試作", "振動・環境試験")),
    Trade("機工", "キコウ", "kiko", "産業機械",
          ("搬送装置・治具の設計製作。", "工作機械の修理・改造。"),
          ("リニアガイドを用いた高精度搬送", "古い工作機械のNC化改造")),
    Trade("金型", "カナガタ", "kanagata", "金型",
          ("プラスチック射出成形用金型の設計製作。", "プレス金型の設計製作とトライ。"),
          ("ホットランナ金型と微細形状の放電加工", "順送プレス金型")),
    Trade("化成", "カセイ", "kasei", "化学",
          ("機能性樹脂の配合・成形。", "工業用接着剤の製造。"),
          ("導電性樹脂コンパウンド", "低温硬化型接着剤")),
    Trade("マテリアル", "マテリアル", "material", "素材",
          ("セラミックス・複合材料の開発製造。", "金属粉末と焼結部品の製造。"),
          ("アルミナ系セラミックスの精密焼結", "金属粉末射出成形（MIM）")),
    Trade("テック", "テック", "tech", "電子機器",
          ("計測制御機器の開発。", "IoT機器の受託開発。"),
          ("IoTセンサ端末と無線通信モジュール", "省電力LPWA通信"), since=1975),
    Trade("システム", "システム", "system", "ソフトウェア",
          ("生産管理システムの受託開発。", "製造業向けクラウドサービスの開発運用。"),
          ("画像認識による外観検査", "工場設備データの収集と可視化"), since=1970),
    Trade("光学", "コウガク", "kogaku", "光学機器",
          ("レンズ・光学部品の設計製造。", "光学測定装置の開発。"),
          ("非球面レンズ研磨", "光学薄膜の成膜")),
    Trade("計測", "ケイソク", "keisoku", "計測機器",
          ("計測器の開発製造と校正サービス。", "試験機の開発と受託試験。"),
          ("微小変位の非接触計測", "温度・圧力計の校正")),
    Trade("メディカル", "メディカル", "medical", "医療機器",
          ("医療機器部品の製造と薬機法対応の支援。", "リハビリ機器の開発。"),
          ("カテーテル部品の微細加工", "生体適合材料の加工"), since=1975),
    Trade("バイオ", "バイオ", "bio", "バイオテクノロジー",
          ("微生物・酵素の研究開発。", "機能性食品素材の開発。"),
          ("発酵技術と酵素固定化", "細胞培養の受託"), since=1980),
    Trade("ロボティクス", "ロボティクス", "robotics", "ロボット",
          ("協働ロボットのシステム開発。", "搬送ロボットの開発と導入支援。"),
          ("ロボットハンドと力覚センサ制御", "自律移動ロボットの経路計画"), since=1985),
    Trade("塗装", "トソウ", "toso", "表面処理",
          ("工業製品の塗装・表面処理。",),
          ("粉体塗装", "フッ素樹脂コーティング")),
    Trade("めっき工業", "メッキコウギョウ", "mekki", "表面処理",
          ("電子部品・装飾品のめっき加工。",),
          ("無電解ニッケルめっき", "部分金めっき")),
    Trade("熱処理", "ネツショリ", "netsushori", "金属熱処理",
          ("鋼材の焼入れ・焼戻しの受託加工。",),
          ("真空熱処理", "浸炭焼入れと歪み矯正")),
    Trade("樹脂工業", "ジュシコウギョウ", "jushi", "プラスチック製品",
          ("プラスチック部品の射出成形と組立。",),
          ("エンジニアリングプラスチックの精密成形", "二色成形")),
    Trade("鋳造", "チュウゾウ", "chuzo", "鋳造",
          ("アルミ・鋳鉄鋳物の製造。",),
          ("砂型鋳造", "ロストワックス精密鋳造")),
    Trade("センサー", "センサー", "sensor", "電子部品",
          ("各種センサの開発製造。",),
          ("MEMS圧力センサ", "静電容量式レベルセンサ"), since=1970),
    Trade("フードテック", "フードテック", "foodtech", "食品",
          ("食品加工技術の開発と受託製造。",),
          ("高圧処理による食品の長期保存", "植物由来たんぱく質の加工"), since=2005),
    Trade("食品", "ショクヒン", "shokuhin", "食品製造",
          ("地場農産物を使った加工食品の製造。",),
          ("凍結乾燥", "無添加での長期保存技術")),
    Trade("醸造", "ジョウゾウ", "jozo", "酒類製造",
          ("ワイン・果実酒の醸造と販売。",),
          ("甲州種ぶどうの低温発酵", "醸造副産物の再利用"), ("19",)),
    Trade("宝飾", "ホウショク", "hoshoku", "宝飾品",
          ("貴金属・宝飾品の加工。",),
          ("水晶・貴石の研磨と彫刻", "貴金属の回収・再生"), ("19",)),
    Trade("織物", "オリモノ", "orimono", "繊維",
          ("先染め織物の製造。",),
          ("高密度織物", "産業資材向け機能性織物"), ("19",)),
    Trade("ソフト", "ソフト", "soft", "情報サービス",
          ("組込みソフトウェアの受託開発。",),
          ("リアルタイムOS上の制御ソフト", "機能安全規格対応の開発"), since=1975),
    Trade("エンジニアリング", "エンジニアリング", "engineering", "設計",
          ("機械・電気設計の受託。", "工場設備の設計施工。"),
          ("3次元CADと構造解析", "クリーンルーム設備")),
    Trade("航空機器", "コウクウキキ", "koku", "航空宇宙",
          ("航空機用部品の加工と組立。",),
          ("チタン合金の高能率加工", "航空宇宙品質マネジメント（JIS Q 9100）")),
)  # fmt: skip

LARGE_TRADES: tuple[Trade, ...] = (
    Trade("電機", "デンキ", "denki", "電気機械",
          ("産業用電機品・電源装置の開発製造。圏域内に研究開発拠点を置く。",),
          ("パワーエレクトロニクス", "大容量蓄電システム")),
    Trade("エレクトロニクス", "エレクトロニクス", "electronics", "電子機器",
          ("半導体製造装置と検査装置の開発製造。",),
          ("ウエハ外観検査", "真空搬送ロボット")),
    Trade("化学工業", "カガクコウギョウ", "chemical", "化学",
          ("機能性化学品と電子材料の製造。",),
          ("半導体用高純度薬液", "高分子フィルム")),
    Trade("システムズ", "システムズ", "systems", "情報通信",
          ("通信機器と社会インフラ向けシステムの開発。",),
          ("無線通信基地局", "大規模データ処理基盤")),
    Trade("光学工業", "コウガクコウギョウ", "optical", "光学機器",
          ("カメラ用・産業用光学機器の製造。",),
          ("精密光学設計", "医療用内視鏡光学系")),
    Trade("精機", "セイキ", "seiki", "精密機械",
          ("工作機械と精密位置決め装置の製造。",),
          ("超精密位置決めステージ", "工作機械の熱変位補正")),
    Trade("マテリアルズ", "マテリアルズ", "materials", "素材",
          ("特殊鋼・電子材料の製造。",),
          ("高機能合金", "スパッタリングターゲット")),
)  # fmt: skip

DESCRIPTION_EXTRAS = (
    "", "", "ISO 9001認証取得。", "大学との共同研究の実績あり。", "医療機器分野への参入を目指している。",
    "海外展開を検討中。", "若手技術者の育成に力を入れている。", "自社製品の開発に取り組んでいる。",
)  # fmt: skip


# --- Other kinds ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """An organisation whose name is given whole: a bank, a municipality, a chamber."""

    name: str
    kana: str
    romaji: str
    city: str


# Fictional banks: real regional banks and shinkin of the area are deliberately not used.
FINANCIAL_INSTITUTIONS: tuple[Named, ...] = (
    Named(BANK_NAME, "タマキュウリョウシンヨウキンコ", "tamakyuryo-shinkin", "立川市"),
    Named("武蔵野台銀行", "ムサシノダイギンコウ", "musashinodai-bank", "三鷹市"),
    Named("浅川信用金庫", "アサカワシンヨウキンコ", "asakawa-shinkin", "八王子市"),
    Named("甲斐中央銀行", "カイチュウオウギンコウ", "kaichuo-bank", "甲府市"),
    Named("相模川信用金庫", "サガミガワシンヨウキンコ", "sagamigawa-shinkin", "相模原市中央区"),
    Named("南多摩信用金庫", "ミナミタマシンヨウキンコ", "minamitama-shinkin", "町田市"),
    Named("桂川信用金庫", "カツラガワシンヨウキンコ", "katsuragawa-shinkin", "富士吉田市"),
    Named("京浜みらい銀行", "ケイヒンミライギンコウ", "keihinmirai-bank", "川崎市中原区"),
    Named("丹沢信用金庫", "タンザワシンヨウキンコ", "tanzawa-shinkin", "厚木市"),
    Named("多摩商工信用組合", "タマショウコウシンヨウクミアイ", "tamashoko-shinkumi", "府中市"),
    Named("高尾信用金庫", "タカオシンヨウキンコ", "takao-shinkin", "八王子市"),
    Named("峡東信用金庫", "キョウトウシンヨウキンコ", "kyotoh-shinkin", "笛吹市"),
    Named("多摩川中央信用金庫", "タマガワチュウオウシンヨウキンコ", "tamagawachuo-shinkin", "羽村市"),
    Named("北相模信用金庫", "キタサガミシンヨウキンコ", "kitasagami-shinkin", "相模原市緑区"),
    Named("西東京産業銀行", "ニシトウキョウサンギョウギンコウ", "nishitokyo-bank", "国分寺市"),
)

CHAMBERS: tuple[Named, ...] = (
    Named("八王子商工会議所", "ハチオウジショウコウカイギショ", "hachioji-cci", "八王子市"),
    Named("相模原商工会議所", "サガミハラショウコウカイギショ", "sagamihara-cci", "相模原市中央区"),
    Named("立川商工会議所", "タチカワショウコウカイギショ", "tachikawa-cci", "立川市"),
    Named("甲府商工会議所", "コウフショウコウカイギショ", "kofu-cci", "甲府市"),
    Named("青梅商工会議所", "オウメショウコウカイギショ", "ome-cci", "青梅市"),
    Named("町田商工会議所", "マチダショウコウカイギショ", "machida-cci", "町田市"),
    Named("厚木商工会議所", "アツギショウコウカイギショ", "atsugi-cci", "厚木市"),
    Named("日野市商工会", "ヒノシショウコウカイ", "hino-sci", "日野市"),
    Named("むさし府中商工会議所", "ムサシフチュウショウコウカイギショ", "fuchu-cci", "府中市"),
    Named("富士吉田商工会議所", "フジヨシダショウコウカイギショ", "fujiyoshida-cci", "富士吉田市"),
    Named("武蔵野商工会議所", "ムサシノショウコウカイギショ", "musashino-cci", "武蔵野市"),
    Named("川崎商工会議所", "カワサキショウコウカイギショ", "kawasaki-cci", "川崎市中原区"),
    Named("多摩市商工会", "タマシショウコウカイ", "tama-sci", "多摩市"),
    Named("昭島市商工会", "アキシマシショウコウカイ", "akishima-sci", "昭島市"),
    Named("大和商工会議所", "ヤマトショウコウカイギショ", "yamato-cci", "大和市"),
    Named("稲城市商工会", "イナギシショウコウカイ", "inagi-sci", "稲城市"),
    Named("羽村市商工会", "ハムラシショウコウカイ", "hamura-sci", "羽村市"),
    Named("海老名商工会議所", "エビナショウコウカイギショ", "ebina-cci", "海老名市"),
    Named("国立市商工会", "クニタチシショウコウカイ", "kunitachi-sci", "国立市"),
    Named("あきる野市商工会", "アキルノシショウコウカイ", "akiruno-sci", "あきる野市"),
    Named("小金井市商工会", "コガネイシショウコウカイ", "koganei-sci", "小金井市"),
    Named("座間市商工会", "ザマシショウコウカイ", "zama-sci", "座間市"),
)


def _municipalities() -> list[Named]:
    seen: dict[str, Named] = {}
    for city in sorted(CITIES, key=lambda c: -c.weight):
        if city.municipality not in seen:
            seen[city.municipality] = Named(city.municipality, city.kana, f"city-{city.romaji}", city.name)
    return list(seen.values())


# (suffix as written, reading, romaji, employees range, founded range, business, technologies)
ACADEMIC_TYPES: tuple[tuple[str, str, str, tuple[int, int], tuple[int, int], str, str], ...] = (
    ("工科大学", "コウカダイガク", "it", (300, 1500), (1950, 1995),
     "工学部・情報学部を置く私立大学。産学連携センターが企業との共同研究を受け付けている。",
     "材料工学、ロボット工学、情報工学"),
    ("理工大学", "リコウダイガク", "ust", (400, 2500), (1949, 1990),
     "理工系の総合大学。地域企業との共同研究と技術相談に応じている。",
     "ナノ材料、電子デバイス、環境化学"),
    ("技術科学大学", "ギジュツカガクダイガク", "tut", (250, 1200), (1976, 2000),
     "実践的な技術者教育を行う大学。インターンシップと共同研究に積極的。",
     "生産加工、計測制御、エネルギー工学"),
    ("医療大学", "イリョウダイガク", "mu", (200, 900), (1980, 2008),
     "保健医療系の大学。医工連携による医療機器開発を支援している。",
     "リハビリテーション工学、臨床評価"),
    ("工業高等専門学校", "コウギョウコウトウセンモンガッコウ", "ct", (80, 200), (1962, 1975),
     "5年制の高等専門学校。地域企業からの技術相談と共同研究を受け付けている。",
     "機械工学、電気電子工学、ものづくり教育"),
    ("産業技術研究所", "サンギョウギジュツケンキュウショ", "iri", (60, 300), (1950, 2005),
     "中小企業向けの依頼試験・技術相談・機器開放を行う公設試験研究機関。",
     "材料評価、電磁環境試験、3次元測定"),
    ("先端科学研究所", "センタンカガクケンキュウショ", "ias", (30, 150), (1990, 2015),
     "基礎研究の成果を企業との共同研究で実用化することを目指す研究機関。",
     "量子センシング、バイオインフォマティクス"),
)  # fmt: skip

SUPPORT_TYPES: tuple[tuple[str, str, str, str, str], ...] = (
    ("公益財団法人", "産業振興財団", "サンギョウシンコウザイダン", "ipf", "創業支援、販路開拓、展示会出展の助成。"),
    ("一般社団法人", "技術交流協会", "ギジュツコウリュウキョウカイ", "tea", "会員企業間の技術交流会と研修の運営。"),
    ("公益財団法人", "中小企業支援センター", "チュウショウキギョウシエンセンター", "smec", "経営相談と専門家派遣。"),
    ("特定非営利活動法人", "起業支援ネットワーク", "キギョウシエンネットワーク", "sun", "起業家の相談とメンタリング。"),
    ("一般社団法人", "知財活用支援機構", "チザイカツヨウシエンキコウ", "ipo", "特許の活用と出願の相談。"),
    ("一般財団法人", "インキュベーションセンター", "インキュベーションセンター", "inc", "創業期の企業への貸室と支援。"),
)  # fmt: skip
SUPPORT_PLACES: tuple[Part, ...] = (
    ("多摩", "タマ", "tama"), ("西多摩", "ニシタマ", "nishitama"), ("相模", "サガミ", "sagami"),
    ("甲斐", "カイ", "kai"), ("京浜", "ケイヒン", "keihin"), ("武蔵野", "ムサシノ", "musashino"),
    ("八王子", "ハチオウジ", "hachioji"), ("南多摩", "ミナミタマ", "minamitama"),
)  # fmt: skip

INDIVIDUAL_PROFILES: tuple[tuple[str, str, str], ...] = (
    (
        "技術士（機械部門）",
        "元大手電機メーカーの生産技術者。中小企業の品質改善と設備導入を支援。",
        "品質管理、生産技術",
    ),
    ("中小企業診断士", "製造業の事業計画と補助金申請を支援。", "経営計画、補助金活用"),
    ("弁理士", "機械・電気分野の特許出願と知財戦略の助言。", "特許出願、知財戦略"),
    ("技術コンサルタント", "元研究所長。産学連携の橋渡しと研究開発の助言。", "材料開発、研究開発マネジメント"),
)

SURNAMES: tuple[Part, ...] = (
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("中島", "ナカジマ", "nakajima"),
    ("前田", "マエダ", "maeda"), ("藤田", "フジタ", "fujita"), ("小川", "オガワ", "ogawa"),
    ("岡田", "オカダ", "okada"), ("後藤", "ゴトウ", "goto"), ("長谷川", "ハセガワ", "hasegawa"),
    ("石井", "イシイ", "ishii"), ("村上", "ムラカミ", "murakami"), ("近藤", "コンドウ", "kondo"),
    ("坂本", "サカモト", "sakamoto"), ("遠藤", "エンドウ", "endo"), ("青木", "アオキ", "aoki"),
    ("藤井", "フジイ", "fujii"), ("西村", "ニシムラ", "nishimura"), ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"), ("三浦", "ミウラ", "miura"), ("小野", "オノ", "ono"),
    ("望月", "モチヅキ", "mochizuki"), ("雨宮", "アメミヤ", "amemiya"), ("小俣", "オマタ", "omata"),
    ("志村", "シムラ", "shimura"), ("荻野", "オギノ", "ogino"),
)  # fmt: skip
GIVEN_NAMES: tuple[Part, ...] = (
    ("太郎", "タロウ", "taro"), ("一郎", "イチロウ", "ichiro"), ("健一", "ケンイチ", "kenichi"),
    ("誠", "マコト", "makoto"), ("浩", "ヒロシ", "hiroshi"), ("隆", "タカシ", "takashi"),
    ("大輔", "ダイスケ", "daisuke"), ("翔太", "ショウタ", "shota"), ("拓也", "タクヤ", "takuya"),
    ("直樹", "ナオキ", "naoki"), ("修", "オサム", "osamu"), ("裕介", "ユウスケ", "yusuke"),
    ("和也", "カズヤ", "kazuya"), ("健太", "ケンタ", "kenta"), ("聡", "サトシ", "satoshi"),
    ("亮", "リョウ", "ryo"), ("陽介", "ヨウスケ", "yosuke"), ("恵子", "ケイコ", "keiko"),
    ("洋子", "ヨウコ", "yoko"), ("美穂", "ミホ", "miho"), ("由美", "ユミ", "yumi"),
    ("真理子", "マリコ", "mariko"), ("彩", "アヤ", "aya"), ("愛", "アイ", "ai"),
    ("友美", "トモミ", "tomomi"), ("智子", "トモコ", "tomoko"), ("久美子", "クミコ", "kumiko"),
    ("直子", "ナオコ", "naoko"), ("沙織", "サオリ", "saori"), ("千尋", "チヒロ", "chihiro"),
)  # fmt: skip

CHAMBER = "chamber"  # a municipality-kind organisation whose staff have other titles
# (department, title) per kind; the first is who usually deals with the association.
CONTACT_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    K.FIRM: (("", "代表取締役"), ("総務部", "部長"), ("技術部", "課長"), ("営業部", "主任"), ("経理課", "係長"),
             ("製造部", "部長"), ("品質保証部", "課長"), ("開発部", "主任研究員"), ("経営企画室", "室長")),
    K.UNIVERSITY: (("産学連携センター", "センター長"), ("研究推進課", "課長"), ("工学部", "教授"),
                   ("総務課", "主事")),
    K.MUNICIPALITY: (("産業振興課", "課長"), ("商工観光課", "主査"), ("産業振興課", "主事")),
    CHAMBER: (("中小企業相談所", "所長"), ("事業推進課", "課長"), ("総務課", "主任")),
    K.FINANCIAL_INSTITUTION: (("法人営業部", "部長"), ("地域支援部", "調査役"), ("融資部", "課長"),
                              ("総務部", "課長")),
    K.SUPPORT_ORGANIZATION: (("", "事務局長"), ("事業推進課", "課長"), ("総務課", "係長")),
}  # fmt: skip
BILLING_DEPARTMENTS = {"総務部", "経理課", "総務課"}

WITHDRAWAL_REASONS = (
    "事業縮小のため", "廃業のため", "親会社の方針により退会", "活動への参加が難しくなったため",
    "合併により存続会社で加入済みのため", "事業所の圏域外への移転のため",
)  # fmt: skip
REJECTION_REASONS = (
    "入会資格（圏域内に事業所を有すること）を満たさないため",
    "申込書類の不備が期限までに解消されなかったため",
    "事業内容が会の目的と合致しないため（理事会判断）",
)
SUSPENSION_REASONS = ("会費未納（2年度分）のため", "休業中のため（本人申出）", "代表者交代に伴う手続中のため")
REINSTATEMENT_REASON = "未納会費の納付を確認"
FEE_OVERRIDES = (
    (35_000, "創業3年以内の特例"),
    (35_000, "理事会承認による減額（災害被災企業）"),
    (0, "大学発ベンチャー支援として会費免除（理事会承認）"),
)

# Fee tiers: the billing scenario's five rules, then support organisations and individuals.
FEE_TIERS: tuple[dict[str, Any], ...] = (
    {"name": "大企業", "organization_kind": K.FIRM, "capital_min": 10_000_000_000, "annual_fee": 490_000,
     "priority": 10},
    {"name": "中小企業", "organization_kind": K.FIRM, "capital_max": 9_999_999_999, "annual_fee": 70_000,
     "priority": 20},
    {"name": "大学・研究機関", "organization_kind": K.UNIVERSITY, "annual_fee": 30_000, "priority": 30},
    {"name": "自治体・商工会議所", "organization_kind": K.MUNICIPALITY, "annual_fee": 0, "priority": 30},
    {"name": "金融機関", "organization_kind": K.FINANCIAL_INSTITUTION, "annual_fee": 70_000, "priority": 30},
    {"name": "支援機関", "organization_kind": K.SUPPORT_ORGANIZATION, "annual_fee": 30_000, "priority": 30},
    {"name": "個人会員", "organization_kind": K.INDIVIDUAL, "annual_fee": 10_000, "priority": 30},
)  # fmt: skip

# Shares of the whole register (TAMA's mix); firms take the rest, about 75 %.
KIND_SHARES: tuple[tuple[str, float], ...] = (
    (K.UNIVERSITY, 0.10),
    (K.MUNICIPALITY, 0.08),
    (K.FINANCIAL_INSTITUTION, 0.04),
    (K.SUPPORT_ORGANIZATION, 0.02),
    (K.INDIVIDUAL, 0.01),
)
LARGE_FIRM_SHARE = 0.04
MID_FIRM_SHARE = 0.04

# Membership stories other than plain "active", as shares of the whole register (at least one each).
PROSPECT, APPLIED, APPROVED, SUSPENDED, REINSTATED, WITHDRAWN, REJECTED, REJOINED = (
    "prospect", "applied", "approved", "suspended", "reinstated", "withdrawn", "rejected", "rejoined",
)  # fmt: skip
STORY_SHARES: tuple[tuple[str, float], ...] = (
    (PROSPECT, 0.04),
    (APPLIED, 0.03),
    (APPROVED, 0.02),
    (SUSPENDED, 0.02),
    (REINSTATED, 0.01),
    (WITHDRAWN, 0.06),
    (REJECTED, 0.02),
    (REJOINED, 0.03),
)


# --- The plan -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    status: str
    on: datetime.date
    reason: str = ""


@dataclass
class MembershipPlan:
    steps: list[Step]
    fee_override: tuple[int, str] | None = None


@dataclass
class OrganizationPlan:
    data: dict[str, Any]
    contacts: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[MembershipPlan] = field(default_factory=list)
    size: str = ""  # "sme", "mid", "large" for firms; chooses who may carry an unusual story


class DemoPlanner:
    """Plans the demo register as plain data; nothing here touches the database."""

    def __init__(self, *, organizations: int, today: datetime.date, seed: int = SEED) -> None:
        self.total = organizations
        self.today = today
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
        self.used_kana: set[str] = set()
        self.used_names: set[str] = set()
        self.used_numbers: set[str] = set()
        self.used_domains: set[str] = set()
        self.academic_places: set[str] = set()

    # Small helpers.

    def _date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _digits(self, pattern: str) -> str:
        return "".join(str(self.rng.randint(0, 9)) if ch == "#" else ch for ch in pattern)

    def _corporate_number(self, base_prefix: str) -> str:
        """A fresh 法人番号: the prefix, random digits up to 12, and the check digit in front."""
        while True:
            base = base_prefix + self._digits("#" * (12 - len(base_prefix)))
            number = f"{corporate_number_check_digit(base)}{base}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _registered_number(self, prefecture: str, company_kind: str) -> str:
        # A registered body's base is its 会社法人等番号: registry office (4), kind (2), serial (6).
        office = {"13": ("0101", "0109", "0112", "0133"), "14": ("0201", "0204", "0207"), "19": ("0900", "0903")}
        return self._corporate_number(self.rng.choice(office[prefecture]) + company_kind)

    def _domain(self, slug: str) -> str:
        candidate, n = slug, 2
        while candidate in self.used_domains:
            candidate, n = f"{slug}{n}", n + 1
        self.used_domains.add(candidate)
        return f"{candidate}.example.jp"

    def _claim(self, name: str, kana: str) -> bool:
        if name in self.used_names or kana in self.used_kana:
            return False
        self.used_names.add(name)
        self.used_kana.add(kana)
        return True

    def _city(self) -> City:
        return self.rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]

    def _address(self, city: City) -> dict[str, Any]:
        return {
            "postal_code": f"{city.postal_prefix}-{self._digits('0###')}",
            "prefecture": city.prefecture,
            "city": city.name,
            "address_line": f"{self.rng.choice(TOWNS)}{self.rng.randint(1, 6)}-{self.rng.randint(1, 30)}"
            f"-{self.rng.randint(1, 20)}",
        }

    def _directory_flags(self, *, person: bool = False) -> dict[str, bool]:
        return {
            "listed_in_directory": self.rng.random() < 0.9,
            "public_address": not person and self.rng.random() < 0.85,
            "public_figures": not person and self.rng.random() < 0.4,
            "public_description": self.rng.random() < 0.85,
        }

    def _contacts(self, kind: str, city: City, domain: str, count: int, *, ceo_first: bool) -> list[dict[str, Any]]:
        """`count` people of different families; the one in general affairs (else the first) gets the invoices."""
        roles = list(CONTACT_ROLES[kind])
        first, rest = roles[0], roles[1:]
        chosen = ([first] if ceo_first or kind != K.FIRM else []) + self.rng.sample(rest, len(rest))
        chosen = chosen[:count]
        surnames = self.rng.sample(SURNAMES, count)
        contacts = []
        for (department, title), surname in zip(chosen, surnames, strict=True):
            given = self.rng.choice(GIVEN_NAMES)
            contacts.append(
                {
                    "name": f"{surname[0]} {given[0]}",
                    "name_kana": f"{surname[1]} {given[1]}",
                    "department": department,
                    "title": title,
                    "email": f"{given[2]}.{surname[2]}@{domain}",
                    "phone": self._digits(city.phone) if self.rng.random() < 0.85 else self._digits("090-####-####"),
                    "is_billing_contact": False,
                    "consent_purposes": CONSENT_PURPOSES,
                }
            )
        billing = next((c for c in contacts if c["department"] in BILLING_DEPARTMENTS), contacts[0])
        billing["is_billing_contact"] = True
        return contacts

    # Organisations by kind.

    def member_firm(self) -> OrganizationPlan:
        """The firm the demo member user belongs to (the same one the test fixtures use)."""
        city = CITY_BY_NAME["八王子市"]
        self._claim(MEMBER_FIRM_NAME, "タマセイミツ")
        domain = self._domain("tama-seimitsu")
        trade = TRADES[0]
        data = {
            "kind": K.FIRM,
            "name": MEMBER_FIRM_NAME,
            "name_kana": "タマセイミツ",
            "corporate_number": self._registered_number("13", "01"),
            **self._address(city),
            "capital": 30_000_000,
            "employees": 48,
            "industry": trade.industry,
            "founded_year": 1972,
            "website": f"https://www.{domain}/",
            "business_description": "航空機・医療機器向け精密部品の切削加工。試作1個から量産まで一貫対応。",
            "technologies": "5軸マシニングセンタによる複雑形状加工、チタン・インコネルの難削材加工",
            "listed_in_directory": True,
            "public_address": True,
            "public_figures": True,
            "public_description": True,
        }
        return OrganizationPlan(data, self._contacts(K.FIRM, city, domain, 3, ceo_first=True), size="sme")

    def firm(self, size: str) -> OrganizationPlan:
        rng = self.rng
        trades = LARGE_TRADES if size == "large" else TRADES
        for _attempt in range(1000):
            city = self._city()
            place = rng.choice(city.places) if rng.random() < 0.85 else rng.choice(GENERIC_PREFIXES)
            trade = rng.choice([t for t in trades if city.prefecture in t.prefectures])
            written = place[1] if rng.random() < 0.08 else place[0]  # now and then the place in katakana
            stem, kana = f"{written}{trade.name}", f"{place[1]}{trade.kana}"
            if size != "sme":
                legal, front = "株式会社", rng.random() < 0.2
            else:
                legal = rng.choices(["株式会社", "有限会社", "合同会社"], weights=[75, 18, 7])[0]
                front = rng.random() < {"株式会社": 0.55, "有限会社": 0.7, "合同会社": 0.1}[legal]
            name = f"{legal}{stem}" if front else f"{stem}{legal}"
            if self._claim(name, kana):
                break
        else:
            raise ValueError("Ran out of distinct firm names; ask for fewer organisations.")
        domain = self._domain(f"{place[2]}-{trade.romaji}")
        capital: int | None
        if size == "large":
            capital = rng.choice([10_000, 12_500, 18_000, 25_000, 34_500, 52_000, 86_000, 120_000]) * 1_000_000
            employees: int | None = rng.randint(12, 280) * 100
            founded = rng.randint(1910, 1970)
        elif size == "mid":
            capital = rng.choice([310, 350, 450, 800, 1_200, 2_500]) * 1_000_000
            employees = rng.randint(300, 1_000)
            founded = rng.randint(1930, 1990)
        else:
            capital = (
                rng.choices(
                    [3, 5, 10, 12, 20, 30, 45, 50, 80, 98, 100, 150, 300],
                    weights=[6, 8, 22, 4, 10, 12, 5, 9, 3, 4, 8, 3, 2],
                )[0]
                * 1_000_000
            )
            founded = rng.randint(trade.since, self.today.year - 2)
            if legal == "有限会社":
                # No new 有限会社 since the 2006 Companies Act; their capital floor was ¥3 million.
                founded, capital = min(founded, 2005), rng.choice([3, 3, 5, 10]) * 1_000_000
            elif legal == "合同会社":
                founded = max(founded, 2007)
            # Employees roughly follow capital, within the SME band.
            employees = min(300, max(5, int(capital / 1_000_000 * rng.uniform(0.6, 3.0)) + rng.randint(0, 15)))
            if rng.random() < 0.08:
                capital = None  # the secretariat never learned it
            if rng.random() < 0.05:
                employees = None
        company_kind = {"株式会社": "01", "有限会社": "02", "合同会社": "05"}[legal]
        description = rng.choice(trade.business) + rng.choice(DESCRIPTION_EXTRAS)
        data = {
            "kind": K.FIRM,
            "name": name,
            "name_kana": kana,
            "corporate_number": self._registered_number(city.prefecture, company_kind),
            **self._address(city),
            "capital": capital,
            "employees": employees,
            "industry": trade.industry,
            "founded_year": founded,
            "website": f"https://www.{domain}/" if rng.random() < 0.85 else "",
            "business_description": description,
            "technologies": "、".join(rng.sample(trade.technologies, rng.randint(1, len(trade.technologies)))),
            **self._directory_flags(),
        }
        count = rng.choice([2, 3]) if size != "sme" else rng.choices([1, 2, 3], weights=[30, 45, 25])[0]
        contacts = self._contacts(K.FIRM, city, domain, count, ceo_first=size == "sme" and rng.random() < 0.6)
        return OrganizationPlan(data, contacts, size=size)

    def academic(self) -> OrganizationPlan | None:
        rng = self.rng
        for _attempt in range(50):
            # Spread over the area: a town rarely hosts two universities or institutes.
            fresh = [c for c in CITIES if c.places[0][0] not in self.academic_places]
            city = rng.choice(fresh or CITIES)
            place = city.places[0]
            suffix, suffix_kana, suffix_romaji, staff, founded, business, technologies = rng.choice(ACADEMIC_TYPES)
            name, kana = f"{place[0]}{suffix}", f"{place[1]}{suffix_kana}"
            if self._claim(name, kana):
                self.academic_places.add(place[0])
                break
        else:
            return None
        domain = self._domain(f"{place[2]}-{suffix_romaji}")
        data = {
            "kind": K.UNIVERSITY,
            "name": name,
            "name_kana": kana,
            "corporate_number": self._registered_number(city.prefecture, "05"),
            **self._address(city),
            "employees": rng.randint(*staff),
            "industry": "教育・研究",
            "founded_year": rng.randint(*founded),
            "website": f"https://www.{domain}/",
            "business_description": business,
            "technologies": technologies,
            **self._directory_flags(),
        }
        contacts = self._contacts(K.UNIVERSITY, city, domain, rng.randint(1, 3), ceo_first=False)
        return OrganizationPlan(data, contacts)

    def municipality(self, named: Named, *, chamber: bool) -> OrganizationPlan | None:
        if not self._claim(named.name, named.kana):
            return None
        city = CITY_BY_NAME[named.city]
        domain = self._domain(named.romaji)
        if chamber:
            number = self._registered_number(city.prefecture, "05")
            extra = {"employees": self.rng.randint(12, 80), "founded_year": self.rng.randint(1946, 1965)}
            business = "地域の商工業者の経営相談、金融・税務支援、検定試験と交流事業。"
        else:
            # Local governments' corporate numbers are issued outside the company register: 000020 + area code.
            number = self._corporate_number(f"000020{city.prefecture}")
            extra = {}
            business = "市内産業の振興、企業誘致、中小企業への補助・融資あっせん。"
        data = {
            "kind": K.MUNICIPALITY,
            "name": named.name,
            "name_kana": named.kana,
            "corporate_number": number,
            **self._address(city),
            **extra,
            "industry": "公務" if not chamber else "経済団体",
            "website": f"https://www.{domain}/",
            "business_description": business,
            **self._directory_flags(),
        }
        roles = CHAMBER if chamber else K.MUNICIPALITY
        contacts = self._contacts(roles, city, domain, self.rng.randint(1, 2), ceo_first=False)
        return OrganizationPlan(data, contacts)

    def financial_institution(self, named: Named) -> OrganizationPlan | None:
        if not self._claim(named.name, named.kana):
            return None
        city = CITY_BY_NAME[named.city]
        domain = self._domain(named.romaji)
        bank = named.name.endswith("銀行")
        data = {
            "kind": K.FINANCIAL_INSTITUTION,
            "name": named.name,
            "name_kana": named.kana,
            "corporate_number": self._registered_number(city.prefecture, "01" if bank else "05"),
            **self._address(city),
            # A shinkin has members' contributions (出資金), not share capital: left empty.
            "capital": self.rng.choice([10_000, 15_800, 24_600]) * 1_000_000 if bank else None,
            "employees": self.rng.randint(300, 2_800)
            if not named.name.endswith("信用組合")
            else self.rng.randint(80, 300),
            "industry": "金融",
            "founded_year": self.rng.randint(1920, 1955),
            "website": f"https://www.{domain}/",
            "business_description": "地域の中小企業への融資と経営支援。ものづくり企業の事業性評価に取り組んでいる。",
            **self._directory_flags(),
        }
        contacts = self._contacts(K.FINANCIAL_INSTITUTION, city, domain, self.rng.randint(2, 3), ceo_first=False)
        return OrganizationPlan(data, contacts)

    def support_organization(self) -> OrganizationPlan | None:
        rng = self.rng
        for _attempt in range(50):
            legal, suffix, suffix_kana, suffix_romaji, business = rng.choice(SUPPORT_TYPES)
            place = rng.choice(SUPPORT_PLACES)
            name, kana = f"{legal}{place[0]}{suffix}", f"{place[1]}{suffix_kana}"
            if self._claim(name, kana):
                break
        else:
            return None
        city = next((c for c in CITIES if place in c.places), CITIES[0])
        domain = self._domain(f"{place[2]}-{suffix_romaji}")
        data = {
            "kind": K.SUPPORT_ORGANIZATION,
            "name": name,
            "name_kana": kana,
            "corporate_number": self._registered_number(city.prefecture, "05"),
            **self._address(city),
            "employees": rng.randint(5, 40),
            "industry": "産業支援",
            "founded_year": rng.randint(1985, 2015),
            "website": f"https://www.{domain}/",
            "business_description": business,
            **self._directory_flags(),
        }
        contacts = self._contacts(K.SUPPORT_ORGANIZATION, city, domain, rng.randint(1, 2), ceo_first=True)
        return OrganizationPlan(data, contacts)

    def individual(self) -> OrganizationPlan:
        rng = self.rng
        while True:
            surname, given = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            name, kana = f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}"
            if self._claim(name, kana):
                break
        city = self._city()
        industry, business, technologies = rng.choice(INDIVIDUAL_PROFILES)
        data = {
            "kind": K.INDIVIDUAL,
            "name": name,
            "name_kana": kana,
            **self._address(city),
            "industry": industry,
            "business_description": business,
            "technologies": technologies,
            **self._directory_flags(person=True),
        }
        contact = {
            "name": name,
            "name_kana": kana,
            "department": "",
            "title": industry,
            "email": f"{given[2]}.{surname[2]}@{self._domain('mail-' + surname[2])}",
            "phone": self._digits("090-####-####"),
            "is_billing_contact": True,
            "consent_purposes": CONSENT_PURPOSES,
        }
        return OrganizationPlan(data, [contact])

    # Membership stories.

    def _joined(self, earliest: datetime.date, latest: datetime.date) -> list[Step]:
        """Application, approval by the board a few weeks later, membership from the next month's first."""
        applied = self._date_between(earliest, latest)
        approved = applied + datetime.timedelta(days=self.rng.randint(7, 30))
        active = (approved.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return [Step(S.APPLICATION, applied), Step(S.APPROVED, approved), Step(S.ACTIVE, active)]

    def _earliest(self, plan: OrganizationPlan) -> datetime.date:
        """No application before the association existed, nor before the organisation did."""
        founded = plan.data.get("founded_year")
        return max(ASSOCIATION_FOUNDED, datetime.date(founded, 7, 1)) if founded else ASSOCIATION_FOUNDED

    def _founding_member(self) -> list[Step]:
        """Applied in the founding year's spring, a member from the association's first day."""
        applied = self._date_between(datetime.date(1998, 2, 1), datetime.date(1998, 2, 28))
        approved = self._date_between(datetime.date(1998, 3, 2), datetime.date(1998, 3, 25))
        return [Step(S.APPLICATION, applied), Step(S.APPROVED, approved), Step(S.ACTIVE, ASSOCIATION_FOUNDED)]

    def _last_march_31(self, start: datetime.date, end: datetime.date) -> datetime.date | None:
        years = [y for y in range(start.year, end.year + 1) if start <= datetime.date(y, 3, 31) <= end]
        return datetime.date(self.rng.choice(years), 3, 31) if years else None

    def story(self, plan: OrganizationPlan, story: str) -> None:
        today, rng, days = self.today, self.rng, datetime.timedelta
        earliest = self._earliest(plan)
        if story == PROSPECT:
            return
        if story == APPLIED:
            plan.memberships.append(MembershipPlan([Step(S.APPLICATION, today - days(rng.randint(2, 45)))]))
        elif story == APPROVED:
            # Approved by the board lately; membership starts once the first fee is paid.
            applied = today - days(rng.randint(25, 50))
            approved = today - days(rng.randint(1, 15))
            plan.memberships.append(MembershipPlan([Step(S.APPLICATION, applied), Step(S.APPROVED, approved)]))
        elif story == REJECTED:
            applied = self._date_between(max(earliest, today - days(3 * 365)), today - days(60))
            steps = [Step(S.APPLICATION, applied), Step(S.REJECTED, applied + days(rng.randint(14, 40)),
                                                       rng.choice(REJECTION_REASONS))]  # fmt: skip
            plan.memberships.append(MembershipPlan(steps))
        elif story in (SUSPENDED, REINSTATED):
            steps = self._joined(earliest, max(earliest, today - days(4 * 365)))
            # A suspension is settled within a year or two, so the open ones are recent.
            latest = today - days(250 if story == REINSTATED else 30)
            suspended = self._date_between(max(steps[-1].on + days(365), today - days(2 * 365)), latest)
            steps.append(Step(S.SUSPENDED, suspended, rng.choice(SUSPENSION_REASONS)))
            if story == REINSTATED:
                steps.append(Step(S.ACTIVE, suspended + days(rng.randint(60, 200)), REINSTATEMENT_REASON))
            plan.memberships.append(MembershipPlan(steps))
        elif story == WITHDRAWN:
            steps = self._joined(earliest, max(earliest, today - days(4 * 365)))
            # Members leave at the end of a fiscal year, after at least one full year.
            withdrawn = self._last_march_31(steps[-1].on + days(365), today)
            if withdrawn is None:
                withdrawn = today - days(1)
            steps.append(Step(S.WITHDRAWN, withdrawn, rng.choice(WITHDRAWAL_REASONS)))
            plan.memberships.append(MembershipPlan(steps))
        elif story == REJOINED:
            first = self._joined(earliest, max(earliest, datetime.date(2008, 12, 31)))
            left = self._last_march_31(first[-1].on + days(2 * 365), datetime.date(2018, 3, 31)) or datetime.date(
                2018, 3, 31
            )
            first.append(Step(S.WITHDRAWN, left, rng.choice(WITHDRAWAL_REASONS[:4])))
            second = self._joined(left + days(365), today - days(400))
            plan.memberships += [MembershipPlan(first), MembershipPlan(second)]
        else:  # active
            # Most public bodies and a few old firms have been members from the start.
            share = 0.1 if plan.data["kind"] == K.FIRM else 0.5
            if earliest == ASSOCIATION_FOUNDED and rng.random() < share:
                steps = self._founding_member()
            else:
                steps = self._joined(earliest, max(earliest, today - days(70)))
            plan.memberships.append(MembershipPlan(steps))

    # The whole register.

    def _kind_counts(self) -> dict[str, int]:
        counts = {kind: max(1, round(self.total * share)) for kind, share in KIND_SHARES}
        counts[K.FIRM] = self.total - sum(counts.values())
        return counts

    def plan(self) -> list[OrganizationPlan]:
        counts = self._kind_counts()
        rng = self.rng
        plans: list[OrganizationPlan] = [self.member_firm()]
        large = max(1, round(self.total * LARGE_FIRM_SHARE))
        mid = round(self.total * MID_FIRM_SHARE)
        sizes = ["large"] * large + ["mid"] * mid
        sizes += ["sme"] * (counts[K.FIRM] - 1 - len(sizes))
        firms = [self.firm(size) for size in sizes]

        others: list[OrganizationPlan | None] = []
        banks = [self.financial_institution(FINANCIAL_INSTITUTIONS[0])]
        spare_banks = list(FINANCIAL_INSTITUTIONS[1:])
        rng.shuffle(spare_banks)
        banks += [self.financial_institution(b) for b in spare_banks[: counts[K.FINANCIAL_INSTITUTION] - 1]]
        others += banks
        public = [(m, False) for m in _municipalities()] + [(c, True) for c in CHAMBERS]
        rng.shuffle(public)
        others += [self.municipality(named, chamber=chamber) for named, chamber in public[: counts[K.MUNICIPALITY]]]
        others += [self.academic() for _ in range(counts[K.UNIVERSITY])]
        others += [self.support_organization() for _ in range(counts[K.SUPPORT_ORGANIZATION])]
        others += [self.individual() for _ in range(counts[K.INDIVIDUAL])]
        non_firms = [p for p in others if p is not None]
        # Where a list of names runs out (near a thousand organisations), firms fill the register up.
        firms += [self.firm("sme") for _ in range(self.total - len(plans) - len(firms) - len(non_firms))]

        self._assign_stories(plans[0], firms)
        for plan in non_firms:
            self.story(plan, "active")
        # Entered in no particular order, as a real register grows.
        plans += firms + non_firms
        rng.shuffle(plans)
        return plans

    @staticmethod
    def _take(queue: list[OrganizationPlan], fits: Callable[[OrganizationPlan], bool]) -> OrganizationPlan | None:
        """The first planned firm that suits a story (one with a long enough past, say), else any."""
        index = next((i for i, p in enumerate(queue) if fits(p)), len(queue) - 1)
        return queue.pop(index) if queue else None

    def _assign_stories(self, member_firm: OrganizationPlan, firms: Sequence[OrganizationPlan]) -> None:
        """Unusual membership stories go to SMEs; the demo logins' organisations stay plain active members."""
        self.story(member_firm, "active")
        queue = [p for p in firms if p.size == "sme"]
        self.rng.shuffle(queue)

        def founded_by(year: int) -> Callable[[OrganizationPlan], bool]:
            return lambda p: (p.data.get("founded_year") or 0) <= year

        # A story that needs years of membership needs a firm that existed then.
        needs = {
            REJOINED: founded_by(2004),
            WITHDRAWN: founded_by(self.today.year - 6),
            SUSPENDED: founded_by(self.today.year - 6),
            REINSTATED: founded_by(self.today.year - 6),
        }
        for story, share in STORY_SHARES:
            for _ in range(max(1, round(self.total * share))):
                plan = self._take(queue, needs.get(story, lambda p: True))
                if plan is not None:
                    self.story(plan, story)
        overrides = list(FEE_OVERRIDES[: 2 if self.total < 100 else 3])
        for amount, reason in overrides:
            plan = self._take(
                queue, lambda p: p.data["name"].startswith("株式会社") or p.data["name"].endswith("株式会社")
            )
            if plan is None:
                break
            if reason.startswith("創業"):
                plan.data["founded_year"] = self.today.year - 2  # the start-up exemption needs a young firm
            self.story(plan, "active")
            plan.memberships[-1].fee_override = (amount, reason)
        for plan in queue:
            self.story(plan, "active")
        for plan in firms:
            if plan.size != "sme":
                self.story(plan, "active")


# --- Writing it -----------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    organizations: Counter[str]
    memberships: Counter[str]
    contacts: int
    logins: list[DemoLogin]


def demo_data_present() -> bool:
    """True once the demo logins exist; the loader never runs twice."""
    return User.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).exists()


def register_is_empty() -> bool:
    return not Organization.objects.exists()


def _user(login: DemoLogin, organization: Organization | None = None) -> User:
    domain = "clusternet.example.jp"
    if organization is not None and organization.website:
        domain = organization.website.removeprefix("https://www.").rstrip("/")
    return user_create(
        username=login.username,
        password=DEMO_PASSWORD,
        role=login.role,
        organization=organization,
        email=f"{login.username}@{domain}",
    )


def _write_membership(plan: MembershipPlan, organization: Organization, contact: Contact | None, actor: User) -> None:
    first, *rest = plan.steps
    membership = membership_apply(
        actor=actor, organization=organization, applied_on=first.on, applicant_contact=contact
    )
    for step in rest:
        membership = membership_transition(
            actor=actor, membership=membership, to_status=step.status, effective_on=step.on, reason=step.reason
        )
    if plan.fee_override is not None:
        amount, reason = plan.fee_override
        membership_fee_override(actor=actor, membership=membership, amount=amount, reason=reason)


@transaction.atomic
def demo_data_load(*, organizations: int = DEFAULT_ORGANIZATIONS, today: datetime.date | None = None) -> DemoResult:
    """Loads the demo register into an empty database, through the member services, in one transaction.

    The caller checks `demo_data_present()` / `register_is_empty()` first; this refuses nothing itself
    except what the services refuse.
    """
    today = today or timezone.localdate()
    plans = DemoPlanner(organizations=organizations, today=today).plan()

    internal = {login.role: _user(login) for login in DEMO_LOGINS if login.role not in (Role.MEMBER, Role.BANK)}
    admin, staff = internal[Role.ADMINISTRATOR], internal[Role.SECRETARIAT]
    association_settings_update(actor=admin, data={"fiscal_year_start_month": 4, "proration_policy": "monthly"})
    for tier in FEE_TIERS:
        fee_tier_save(actor=admin, data=tier)

    by_name: dict[str, Organization] = {}
    contacts = 0
    for plan in plans:
        organization = organization_create(actor=staff, data=plan.data)
        by_name[organization.name] = organization
        people = [contact_create(actor=staff, organization=organization, data=c, consent=True) for c in plan.contacts]
        contacts += len(people)
        for membership in plan.memberships:
            _write_membership(membership, organization, people[0] if people else None, staff)

    for login in DEMO_LOGINS:
        if login.role in (Role.MEMBER, Role.BANK):
            _user(login, by_name[login.organization])

    # The demo's history happened "before the system": nobody is to be mailed about it now. Marking the
    # steps as notified makes the decision-mail task, queued on commit by the services, a no-op.
    MembershipTransition.objects.filter(
        membership__organization__in=list(by_name.values()), notified_at__isnull=True
    ).update(notified_at=F("recorded_at"))

    return DemoResult(
        organizations=Counter(Organization.objects.values_list("kind", flat=True)),
        memberships=Counter(Membership.objects.values_list("status", flat=True)),
        contacts=contacts,
        logins=list(DEMO_LOGINS),
    )
